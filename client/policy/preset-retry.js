// The wait before the next read after `failures` failures in a row under a preset, or null
// when the preset gives up (maxRetries reached). Never shorter than the plain interval.

export function presetRetryDelay (preset, failures, intervalMs) {
  if (failures <= 0) return intervalMs
  if (preset.maxRetries !== null && failures >= preset.maxRetries) return null
  const { backoff } = preset
  if (backoff.length === 0) return intervalMs
  return Math.max(backoff[Math.min(failures, backoff.length) - 1], intervalMs)
}
