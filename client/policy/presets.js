// Polling presets: plain data that says how often a key is read, how that slows with time,
// when it stops, and how it backs off on failure. A key or hook picks one by name
// (`client.watch(key, { policy: 'turn' })`, `useJob(id, { policy: 'turn' })`); an app adds
// its own with createClient({ presets }). They govern polling only: while a push transport
// runs, events keep keys current and a preset shapes just the refresh after gap/reset.
//
//   intervals    ms per key kind: list, idle (a list while nothing runs), detail, logs,
//                files, set (jobs by id), changes (file changes), timeline, default (any
//                kind not named)
//   steps        [{afterMs, intervalMs}]: once a key has been polled afterMs, never faster
//   stopAfterMs  polling pauses this long after it started (or resumed) while the job has
//                not ended; null: never
//   backoff      wait after the 1st, 2nd, … failure in a row (the last repeats); 0: the interval
//   maxRetries   polling stops after this many failures in a row; null: never

import { FAILURES_BEFORE_BACKOFF, BACKOFF_BASE_MS, BACKOFF_MAX_MS } from './backoff.js'

// min(10 s · 2^(n − 3), 120 s) after the third failure, as a list.
function dashboardBackoff () {
  const waits = Array(FAILURES_BEFORE_BACKOFF - 1).fill(0)
  for (let wait = BACKOFF_BASE_MS; ; wait *= 2) {
    waits.push(Math.min(wait, BACKOFF_MAX_MS))
    if (wait >= BACKOFF_MAX_MS) return waits
  }
}

// The policy of the job dashboards (DESIGN.md "Client behaviour"), from the resolved polling
// configuration (defaults, /api/config/polling, data-polling-*, the user's choice).
export function dashboardPreset (polling) {
  return Object.freeze({
    intervals: Object.freeze({
      default: polling.intervalMs,
      list: polling.intervalMs,
      idle: polling.idleIntervalMs,
      detail: polling.detailIntervalMs,
      files: polling.detailIntervalMs,
      logs: polling.logIntervalMs
    }),
    steps: Object.freeze([]),
    stopAfterMs: null,
    backoff: Object.freeze(dashboardBackoff()),
    maxRetries: null
  })
}

// An agent turn: seconds matter while it runs, and nobody needs a turn that stalled polled
// forever. 1 s while active, 5 s after 30 s, paused after 2 min without a terminal status
// (until the user comes back, or an event for the job arrives); backoff 2, 4, 8, 16 s and
// stop after 5 failures in a row.
export const TURN_PRESET = Object.freeze({
  intervals: Object.freeze({ default: 1_000 }),
  steps: Object.freeze([Object.freeze({ afterMs: 30_000, intervalMs: 5_000 })]),
  stopAfterMs: 120_000,
  backoff: Object.freeze([2_000, 4_000, 8_000, 16_000]),
  maxRetries: 5
})

export const DEFAULT_PRESET = 'dashboard'
