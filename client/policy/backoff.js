// Failure counting and the backoff of DESIGN.md: after 3 failures in a row wait
// min(10 s · 2^(failures − 3), 120 s); the first success resets the count.

export const FAILURES_BEFORE_BACKOFF = 3
export const BACKOFF_BASE_MS = 10_000
export const BACKOFF_MAX_MS = 120_000

// The wait before the next attempt after `failures` failures in a row; `intervalMs` is the
// normal wait, used while the count is below the threshold.
export function backoffDelay (failures, intervalMs) {
  if (failures < FAILURES_BEFORE_BACKOFF) return intervalMs
  const backoff = Math.min(BACKOFF_BASE_MS * 2 ** (failures - FAILURES_BEFORE_BACKOFF), BACKOFF_MAX_MS)
  return Math.max(backoff, intervalMs)
}

export class FailureCounter {
  constructor () { this.failures = 0 }
  fail () { this.failures += 1; return this.failures }
  succeed () { this.failures = 0 }
  delay (intervalMs) { return backoffDelay(this.failures, intervalMs) }
}
