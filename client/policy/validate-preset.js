// Checks a polling preset (see presets.js) the way /api/config/polling values are checked:
// every wait a whole number of milliseconds within bounds, anything else refused with the
// field and the reason, so a typo never turns into a 10 ms poll loop or a silent default.
// The floor is 1 s, not the 2 s of the dashboard settings: an agent turn is watched by
// someone waiting for it, and 1 s is what the turn preset asks.

export const PRESET_MIN_INTERVAL_MS = 1_000
export const PRESET_MAX_INTERVAL_MS = 60_000
export const PRESET_MAX_BACKOFF_MS = 600_000
export const PRESET_MAX_STOP_AFTER_MS = 24 * 3_600_000
const KINDS = ['default', 'list', 'idle', 'detail', 'logs', 'files', 'set', 'changes', 'timeline']
const FIELDS = ['intervals', 'steps', 'stopAfterMs', 'backoff', 'maxRetries']

function wholeMs (value, min, max, field) {
  if (typeof value !== 'number' || !Number.isInteger(value)) return `${field} must be a whole number of milliseconds`
  if (value < min || value > max) return `${field} must be from ${min} to ${max} ms`
  return null
}

// → {ok: true, value} (a frozen copy) or {ok: false, field, reason}.
export function validatePreset (preset) {
  const refuse = (field, reason) => ({ ok: false, field, reason })
  if (!preset || typeof preset !== 'object' || Array.isArray(preset)) return refuse('preset', 'a preset must be an object')
  for (const name of Object.keys(preset)) {
    if (!FIELDS.includes(name)) return refuse(name, `unknown field ${name} (a preset has ${FIELDS.join(', ')})`)
  }
  const { intervals, steps = [], stopAfterMs = null, backoff = [], maxRetries = null } = preset
  if (!intervals || typeof intervals !== 'object') return refuse('intervals', 'intervals must be an object of key kinds to ms')
  if (intervals.default === undefined) return refuse('intervals.default', 'intervals.default is required')
  for (const [kind, ms] of Object.entries(intervals)) {
    if (!KINDS.includes(kind)) return refuse(`intervals.${kind}`, `unknown key kind ${kind} (kinds: ${KINDS.join(', ')})`)
    const bad = wholeMs(ms, PRESET_MIN_INTERVAL_MS, PRESET_MAX_INTERVAL_MS, `intervals.${kind}`)
    if (bad) return refuse(`intervals.${kind}`, bad)
  }
  if (!Array.isArray(steps)) return refuse('steps', 'steps must be an array of {afterMs, intervalMs}')
  let previous = 0
  for (const [i, step] of steps.entries()) {
    const field = `steps[${i}]`
    if (!step || typeof step !== 'object') return refuse(field, `${field} must be {afterMs, intervalMs}`)
    const bad = wholeMs(step.afterMs, 1, PRESET_MAX_STOP_AFTER_MS, `${field}.afterMs`) ||
      wholeMs(step.intervalMs, PRESET_MIN_INTERVAL_MS, PRESET_MAX_INTERVAL_MS, `${field}.intervalMs`)
    if (bad) return refuse(field, bad)
    if (step.afterMs <= previous) return refuse(field, 'steps must be in increasing afterMs')
    previous = step.afterMs
  }
  if (stopAfterMs !== null) {
    const bad = wholeMs(stopAfterMs, PRESET_MIN_INTERVAL_MS, PRESET_MAX_STOP_AFTER_MS, 'stopAfterMs')
    if (bad) return refuse('stopAfterMs', bad)
  }
  if (!Array.isArray(backoff)) return refuse('backoff', 'backoff must be an array of waits in ms')
  for (const [i, ms] of backoff.entries()) {
    if (ms === 0) continue
    const bad = wholeMs(ms, PRESET_MIN_INTERVAL_MS, PRESET_MAX_BACKOFF_MS, `backoff[${i}]`)
    if (bad) return refuse(`backoff[${i}]`, bad)
  }
  if (maxRetries !== null && (!Number.isInteger(maxRetries) || maxRetries < 1 || maxRetries > 1_000)) {
    return refuse('maxRetries', 'maxRetries must be null or a whole number from 1 to 1000')
  }
  return {
    ok: true,
    value: Object.freeze({
      intervals: Object.freeze({ ...intervals }),
      steps: Object.freeze(steps.map((step) => Object.freeze({ afterMs: step.afterMs, intervalMs: step.intervalMs }))),
      stopAfterMs,
      backoff: Object.freeze([...backoff]),
      maxRetries
    })
  }
}
