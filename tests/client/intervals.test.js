import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validateInterval, resolvePolling, pollingFromDataset, pollingFromServer } from '../../client/policy/intervals.js'

test('intervals between 2 s and 60 s are accepted, others refused with the reason', () => {
  assert.deepEqual(validateInterval(2_000), { ok: true, value: 2_000 })
  assert.deepEqual(validateInterval('60000'), { ok: true, value: 60_000 })
  assert.match(validateInterval(1_999).reason, /at least 2 s/)
  assert.match(validateInterval(60_001).reason, /at most 60 s/)
  assert.match(validateInterval('fast').reason, /number/)
  assert.match(validateInterval(Number.NaN).reason, /number/)
})

test('with nothing configured: lists 3 s running, 30 s idle, detail 5 s, logs 15 s', () => {
  const p = resolvePolling()
  assert.deepEqual([p.intervalMs, p.idleIntervalMs, p.detailIntervalMs, p.logIntervalMs, p.enabled], [3_000, 30_000, 5_000, 15_000, true])
})

test('logs are never polled more often than the base interval', () => {
  const p = resolvePolling({ intervalMs: 20_000, logIntervalMs: 4_000 })
  assert.equal(p.logIntervalMs, 20_000)
  assert.equal(p.detailIntervalMs, 20_000)
})

test('an invalid configured interval is skipped and reported, the previous value stands', () => {
  const p = resolvePolling({ intervalMs: 10_000 }, { intervalMs: 500 })
  assert.equal(p.intervalMs, 10_000)
  assert.deepEqual(p.rejected.map((r) => r.field), ['intervalMs'])
})

test('data-polling-* attributes override the server, and the user overrides both', () => {
  const server = pollingFromServer({ interval_ms: 4_000, log_interval_ms: 20_000, enabled: true })
  const page = pollingFromDataset({ pollingInterval: '6000', pollingEnabled: 'true' })
  assert.equal(resolvePolling(server).intervalMs, 4_000)
  assert.equal(resolvePolling(server, page).intervalMs, 6_000)
  assert.equal(resolvePolling(server, page).logIntervalMs, 20_000)
  assert.equal(resolvePolling(server, page, { intervalMs: 8_000 }).intervalMs, 8_000)
})

test('data-polling-enabled="false" turns interval polling off', () => {
  assert.equal(resolvePolling(pollingFromDataset({ pollingEnabled: 'false' })).enabled, false)
})
