import { test } from 'node:test'
import assert from 'node:assert/strict'
import { backoffDelay, FailureCounter } from '../../client/policy/backoff.js'
import { jobsKey } from '../../client/keys.js'
import { useMockTime, advance, recordedScheduler } from './helpers.js'

test('backoff keeps the interval for two failures, then waits 10, 20, 40, 80 s and caps at 120 s', () => {
  const waits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12].map((n) => backoffDelay(n, 3_000))
  assert.deepEqual(waits, [3_000, 3_000, 3_000, 10_000, 20_000, 40_000, 80_000, 120_000, 120_000, 120_000])
})

test('a success resets the failure count to the plain interval', () => {
  const counter = new FailureCounter()
  for (let i = 0; i < 5; i++) counter.fail()
  assert.equal(counter.delay(3_000), 40_000)
  counter.succeed()
  assert.equal(counter.delay(3_000), 3_000)
})

test('backoff never polls faster than the configured interval', () => {
  assert.equal(backoffDelay(3, 30_000), 30_000)
})

test('a failing list is read at 3, 6, 9 s, then 10 s and 20 s later', async (t) => {
  useMockTime(t)
  const { reads, scheduler } = recordedScheduler({ answer: () => false, busy: true })
  const key = jobsKey()
  scheduler.watch(key)
  scheduler.start()
  await advance(40_000)
  assert.deepEqual(reads[key], [3_000, 6_000, 9_000, 19_000, 39_000])
  scheduler.dispose()
})

test('the first success after backoff brings the plain interval back', async (t) => {
  useMockTime(t)
  let up = false
  const { reads, scheduler } = recordedScheduler({ answer: () => up, busy: true })
  const key = jobsKey()
  scheduler.watch(key)
  scheduler.start()
  await advance(19_500) // failures at 3, 6, 9 and 19 s
  up = true
  await advance(25_000)
  assert.deepEqual(reads[key], [3_000, 6_000, 9_000, 19_000, 39_000, 42_000])
  scheduler.dispose()
})
