// Polling intervals of DESIGN.md "Client behaviour" and their validation. Every interval
// a user or a server configures must lie between 2 s and 60 s; anything else is refused
// with the reason, so a typo never turns into a 10 ms poll loop.

export const MIN_INTERVAL_MS = 2_000
export const MAX_INTERVAL_MS = 60_000

export const DEFAULT_POLLING = Object.freeze({
  enabled: true,
  intervalMs: 3_000,      // the base: lists while something runs
  idleIntervalMs: 30_000, // lists when nothing runs
  detailIntervalMs: 5_000,
  logIntervalMs: 15_000
})

// Returns {ok: true, value} for a whole number of milliseconds in range, else {ok: false, reason}.
export function validateInterval (value) {
  const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return { ok: false, reason: 'an interval must be a number of milliseconds' }
  if (ms < MIN_INTERVAL_MS) return { ok: false, reason: `an interval must be at least ${MIN_INTERVAL_MS / 1000} s` }
  if (ms > MAX_INTERVAL_MS) return { ok: false, reason: `an interval must be at most ${MAX_INTERVAL_MS / 1000} s` }
  return { ok: true, value: Math.round(ms) }
}

// Builds the effective intervals from the sources in order of precedence (later wins):
// defaults, the server's /api/config/polling, <body data-polling-*>, the user's setting.
// Each source is {intervalMs?, logIntervalMs?, enabled?}; invalid values are skipped and
// reported in `rejected` so the caller can say why.
export function resolvePolling (...sources) {
  let base = DEFAULT_POLLING.intervalMs
  let logs = DEFAULT_POLLING.logIntervalMs
  let enabled = DEFAULT_POLLING.enabled
  const rejected = []
  for (const source of sources) {
    if (!source) continue
    if (source.intervalMs !== undefined) {
      const checked = validateInterval(source.intervalMs)
      if (checked.ok) base = checked.value
      else rejected.push({ field: 'intervalMs', value: source.intervalMs, reason: checked.reason })
    }
    if (source.logIntervalMs !== undefined) {
      const checked = validateInterval(source.logIntervalMs)
      if (checked.ok) logs = checked.value
      else rejected.push({ field: 'logIntervalMs', value: source.logIntervalMs, reason: checked.reason })
    }
    if (typeof source.enabled === 'boolean') enabled = source.enabled
  }
  return {
    enabled,
    intervalMs: base,
    idleIntervalMs: Math.max(DEFAULT_POLLING.idleIntervalMs, base),
    detailIntervalMs: Math.max(DEFAULT_POLLING.detailIntervalMs, base),
    // Logs change fastest but matter least: never polled more often than the base.
    logIntervalMs: Math.max(logs, base),
    rejected
  }
}

// Reads data-polling-interval, data-polling-log-interval (ms) and data-polling-enabled
// ("true"/"false") from an element's dataset.
export function pollingFromDataset (dataset) {
  if (!dataset) return {}
  const source = {}
  if (dataset.pollingInterval !== undefined) source.intervalMs = dataset.pollingInterval
  if (dataset.pollingLogInterval !== undefined) source.logIntervalMs = dataset.pollingLogInterval
  if (dataset.pollingEnabled !== undefined) source.enabled = dataset.pollingEnabled !== 'false'
  return source
}

// Maps the answer of GET /api/config/polling ({interval_ms, enabled, log_interval_ms}).
export function pollingFromServer (body) {
  if (!body || typeof body !== 'object') return {}
  const source = {}
  if (body.interval_ms !== undefined) source.intervalMs = body.interval_ms
  if (body.log_interval_ms !== undefined) source.logIntervalMs = body.log_interval_ms
  if (typeof body.enabled === 'boolean') source.enabled = body.enabled
  return source
}
