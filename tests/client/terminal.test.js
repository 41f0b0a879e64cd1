import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jobKey, logsKey } from '../../client/keys.js'
import { TERMINAL_LINGER_MS } from '../../client/policy/poll-scheduler.js'
import { useMockTime, advance, recordedScheduler } from './helpers.js'

test('a running job is read every 5 s and its log every 15 s', async (t) => {
  useMockTime(t)
  const { reads, statuses, scheduler } = recordedScheduler()
  statuses.j1 = 'running'
  scheduler.watch(jobKey('j1'))
  scheduler.watch(logsKey('j1'))
  scheduler.start()
  await advance(31_000)
  assert.deepEqual(reads[jobKey('j1')], [5_000, 10_000, 15_000, 20_000, 25_000, 30_000])
  assert.deepEqual(reads[logsKey('j1')], [15_000, 30_000])
  scheduler.dispose()
})

test('when a job ends its log is read once at once and never again', async (t) => {
  useMockTime(t)
  const { reads, statuses, scheduler } = recordedScheduler()
  statuses.j1 = 'running'
  scheduler.watch(logsKey('j1'))
  scheduler.start()
  await advance(16_000) // one read at 15 s
  statuses.j1 = 'completed'
  scheduler.jobTerminal('j1')
  await advance(120_000)
  assert.deepEqual(reads[logsKey('j1')], [15_000, 16_000])
  scheduler.dispose()
})

test('when a job ends its detail is read once more shortly after, then polling stops', async (t) => {
  useMockTime(t)
  const { reads, statuses, scheduler } = recordedScheduler()
  statuses.j1 = 'running'
  scheduler.watch(jobKey('j1'))
  scheduler.start()
  await advance(7_000) // read at 5 s
  statuses.j1 = 'failed'
  scheduler.jobTerminal('j1')
  await advance(120_000)
  assert.deepEqual(reads[jobKey('j1')], [5_000, 7_000 + TERMINAL_LINGER_MS])
  scheduler.dispose()
})

test('a detail poll that finds the job ended reads it once more and stops', async (t) => {
  useMockTime(t)
  const { reads, statuses, scheduler } = recordedScheduler()
  statuses.j1 = 'running'
  scheduler.watch(jobKey('j1'))
  scheduler.start()
  await advance(6_000)
  statuses.j1 = 'cancelled' // seen by the next read, at 10 s, without any notice
  await advance(60_000)
  assert.deepEqual(reads[jobKey('j1')], [5_000, 10_000, 10_000 + TERMINAL_LINGER_MS])
  scheduler.dispose()
})

test('the log of a job that had already ended is not polled at all', async (t) => {
  useMockTime(t)
  const { reads, statuses, scheduler } = recordedScheduler()
  statuses.j1 = 'completed'
  scheduler.watch(logsKey('j1'))
  scheduler.start()
  await advance(60_000)
  assert.equal(reads[logsKey('j1')], undefined)
  scheduler.dispose()
})
