import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RequestQueue, SHARE_WINDOW_MS } from '../../client/policy/request-queue.js'
import { useMockTime, advance } from './helpers.js'

function counted () {
  const calls = []
  return { calls, task: async () => { calls.push(Date.now()); return calls.length } }
}

test('components that read a key within 500 ms of its answer share it; later ones read again', async (t) => {
  useMockTime(t)
  assert.equal(SHARE_WINDOW_MS, 500)
  const queue = new RequestQueue()
  const { calls, task } = counted()
  assert.equal(await queue.run('/api/jobs/j1', task), 1)
  await advance(300)
  assert.equal(await queue.run('/api/jobs/j1', task), 1) // a second component mounting
  await advance(300) // 600 ms after the answer
  assert.equal(await queue.run('/api/jobs/j1', task), 2)
  assert.deepEqual(calls, [0, 600])
})

test('the share window is a client option, and 0 turns sharing off after the answer', async (t) => {
  useMockTime(t)
  const wide = new RequestQueue({ shareWindowMs: 2_000 })
  const off = new RequestQueue({ shareWindowMs: 0 })
  const a = counted()
  const b = counted()
  await wide.run('k', a.task)
  await off.run('k', b.task)
  await advance(1_500)
  await wide.run('k', a.task)
  await off.run('k', b.task)
  assert.equal(a.calls.length, 1)
  assert.equal(b.calls.length, 2)
  assert.throws(() => new RequestQueue({ shareWindowMs: -1 }), /shareWindowMs must be/)
})

test('a read that needs the newest state (share: false) is not served from the window', async (t) => {
  useMockTime(t)
  const queue = new RequestQueue()
  const { calls, task } = counted()
  await queue.run('k', task)
  await advance(100)
  assert.equal(await queue.run('k', task, { share: false }), 2)
  assert.equal(calls.length, 2)
})

test('a failed answer is not shared after it ends', async (t) => {
  useMockTime(t)
  const queue = new RequestQueue()
  let attempts = 0
  const flaky = async () => { attempts += 1; if (attempts === 1) throw new Error('down'); return 'ok' }
  await assert.rejects(queue.run('k', flaky), /down/)
  assert.equal(await queue.run('k', flaky), 'ok')
  assert.equal(attempts, 2)
})
