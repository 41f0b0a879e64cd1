import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jobsKey } from '../../client/keys.js'
import { useMockTime, advance, recordedScheduler } from './helpers.js'

test('an idle list is read every 30 s', async (t) => {
  useMockTime(t)
  const { reads, scheduler } = recordedScheduler({ busy: false })
  scheduler.watch(jobsKey())
  scheduler.start()
  await advance(61_000)
  assert.deepEqual(reads[jobsKey()], [30_000, 60_000])
  scheduler.dispose()
})

test('after a submit an idle list is read every 3 s for 20 s, then every 30 s again', async (t) => {
  useMockTime(t)
  const { reads, scheduler } = recordedScheduler({ busy: false })
  scheduler.watch(jobsKey())
  scheduler.start()
  await advance(1_000)
  scheduler.noteSubmit()
  await advance(60_000)
  // 4, 7, …, 19 s inside the grace (which ends at 21 s), 22 s is the first read after it,
  // which schedules the next 30 s later.
  assert.deepEqual(reads[jobsKey()], [4_000, 7_000, 10_000, 13_000, 16_000, 19_000, 22_000, 52_000])
  scheduler.dispose()
})

test('a list with a running job is read every 3 s', async (t) => {
  useMockTime(t)
  const { reads, scheduler } = recordedScheduler({ busy: true })
  scheduler.watch(jobsKey())
  scheduler.start()
  await advance(10_000)
  assert.deepEqual(reads[jobsKey()], [3_000, 6_000, 9_000])
  scheduler.dispose()
})

test('a list watched while the cache showed nothing running is read every 3 s once a running job shows', async (t) => {
  useMockTime(t)
  let running = false
  const { reads, scheduler } = recordedScheduler({ busy: () => running })
  scheduler.watch(jobsKey()) // armed with the idle interval: 30 s
  scheduler.start()
  await advance(1_000)
  running = true // its first read landed and shows a running job
  scheduler.noteCacheChange()
  await advance(9_000)
  assert.deepEqual(reads[jobsKey()], [4_000, 7_000, 10_000])
  scheduler.dispose()
})
