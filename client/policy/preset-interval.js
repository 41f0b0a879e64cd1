// The wait between two reads of a key under a preset: the interval of its kind (a list's
// idle interval while nothing runs), never faster than the steps reached after `elapsedMs`
// of polling.

export function presetInterval (preset, kind, { idle = false, elapsedMs = 0 } = {}) {
  const { intervals, steps } = preset
  let interval = (kind === 'list' && idle ? intervals.idle : undefined) ?? intervals[kind] ?? intervals.default
  for (const step of steps) {
    if (elapsedMs >= step.afterMs) interval = Math.max(interval, step.intervalMs)
  }
  return interval
}
