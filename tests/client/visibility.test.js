import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jobsKey } from '../../client/keys.js'
import { useMockTime, advance, recordedScheduler } from './helpers.js'

test('a hidden page reads nothing and reads everything at once when visible again', async (t) => {
  useMockTime(t)
  const { env, reads, scheduler } = recordedScheduler({ busy: true })
  scheduler.watch(jobsKey())
  scheduler.start()
  await advance(4_000) // read at 3 s
  env.setVisible(false)
  await advance(60_000)
  assert.deepEqual(reads[jobsKey()], [3_000])
  env.setVisible(true) // at 64 s
  await advance(3_500)
  assert.deepEqual(reads[jobsKey()], [3_000, 64_000, 67_000])
  scheduler.dispose()
})

test('offline pauses polling like a hidden page', async (t) => {
  useMockTime(t)
  const { env, reads, scheduler } = recordedScheduler({ busy: true })
  scheduler.watch(jobsKey())
  scheduler.start()
  env.setOnline(false)
  await advance(30_000)
  assert.equal(reads[jobsKey()], undefined)
  env.setOnline(true)
  await advance(100)
  assert.deepEqual(reads[jobsKey()], [30_000])
  scheduler.dispose()
})

test('a key nobody watches any more is no longer read', async (t) => {
  useMockTime(t)
  const { reads, scheduler } = recordedScheduler({ busy: true })
  const releaseA = scheduler.watch(jobsKey())
  const releaseB = scheduler.watch(jobsKey())
  scheduler.start()
  await advance(3_500)
  releaseA()
  await advance(3_000)
  releaseB()
  await advance(30_000)
  assert.deepEqual(reads[jobsKey()], [3_000, 6_000])
  scheduler.dispose()
})
