import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RequestQueue } from '../../client/policy/request-queue.js'

// A task that stays open until released, recording how many run at once.
function gate (log) {
  let release
  const done = new Promise((resolve) => { release = resolve })
  return {
    task: async () => {
      log.running += 1
      log.peak = Math.max(log.peak, log.running)
      log.started += 1
      await done
      log.running -= 1
      return log.started
    },
    release
  }
}

test('two callers asking for the same key share one request and its answer', async () => {
  const queue = new RequestQueue()
  const log = { running: 0, peak: 0, started: 0 }
  const g = gate(log)
  const first = queue.run('/api/jobs', g.task)
  const second = queue.run('/api/jobs', g.task)
  assert.equal(first, second)
  g.release()
  assert.deepEqual(await Promise.all([first, second]), [1, 1])
  assert.equal(log.started, 1)
})

test('without a share window, a key asked for again after its request ended gets a new request', async () => {
  const queue = new RequestQueue({ shareWindowMs: 0 })
  let calls = 0
  await queue.run('/api/jobs', async () => ++calls)
  await queue.run('/api/jobs', async () => ++calls)
  assert.equal(calls, 2)
})

test('at most 3 requests run at once; the others start as earlier ones end, in order', async () => {
  const queue = new RequestQueue()
  const log = { running: 0, peak: 0, started: 0 }
  const gates = Array.from({ length: 7 }, () => gate(log))
  const order = []
  const all = gates.map((g, i) => queue.run(`/api/jobs/j${i}`, async () => { order.push(i); return g.task() }))
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(log.running, 3)
  assert.equal(queue.queued, 4)
  for (const g of gates) { g.release(); await new Promise((resolve) => setImmediate(resolve)) }
  await Promise.all(all)
  assert.equal(log.peak, 3)
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6])
})

test('a failed request rejects every caller of that key and frees its slot', async () => {
  const queue = new RequestQueue({ maxInFlight: 1 })
  const failing = queue.run('a', async () => { throw new Error('down') })
  const sharing = queue.run('a', async () => 'never')
  const next = queue.run('b', async () => 'b answered')
  await assert.rejects(failing, /down/)
  await assert.rejects(sharing, /down/)
  assert.equal(await next, 'b answered')
})
