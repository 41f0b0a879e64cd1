'use strict'
// Event delivery to JS: order, no gap or duplicate, resume at a seam under load, overflow
// repaired from the log, and subscribers that throw.
const test = require('node:test')
const assert = require('node:assert/strict')
const { openTemp, collect, consecutive, eventually, sleep } = require('./helpers')

// Emits `count` x.load events with up to `window` writes in flight; each carries its
// producer and its index. Resolves when all are committed.
async function produce (core, producer, count, window = 256) {
  for (let start = 0; start < count; start += window) {
    const writes = []
    for (let i = start; i < Math.min(count, start + window); i++) writes.push(core.emit('x.load', { data: { producer, i } }))
    await Promise.all(writes)
  }
}

test('100,000 events from 4 concurrent producers arrive in seq order, with no gap and no duplicate', async (t) => {
  const core = await openTemp(t)
  const live = collect(core)
  t.after(live.stop)
  await Promise.all([0, 1, 2, 3].map((p) => produce(core, p, 25000)))
  await live.untilSeq(100000, 60000)

  assert.equal(live.events.length, 100000)
  assert.equal(consecutive(live.events, 1), null)
  const next = [0, 0, 0, 0]
  for (const { data } of live.events) {
    assert.equal(data.i, next[data.producer], `producer ${data.producer} in its own order`)
    next[data.producer]++
  }
  assert.deepEqual(next, [25000, 25000, 25000, 25000])
  assert.ok(live.batches.length < live.events.length / 4, `${live.batches.length} calls carried 100,000 events: batched`)
})

test('a subscriber resuming with after gets exactly the missed events, then live ones, at seams under load', async (t) => {
  const core = await openTemp(t)
  const total = 40000
  const writing = Promise.all([0, 1].map((p) => produce(core, p, total / 2, 64)))

  // Five consecutive subscriptions, each resuming where the previous one stopped while the
  // producers keep writing; together they must hold every event exactly once.
  const received = []
  let cursor = 0
  for (let round = 0; round < 5; round++) {
    const live = collect(core, { after: cursor })
    const target = Math.min(total, cursor + 1 + Math.floor(total / 6))
    await live.untilSeq(round === 4 ? total : target, 60000)
    live.stop()
    assert.equal(consecutive(live.events, cursor + 1), null, `round ${round} starts right after ${cursor}`)
    received.push(...live.events)
    cursor = live.events.at(-1).seq
  }
  await writing
  assert.equal(received.length, total)
  assert.equal(consecutive(received, 1), null)
})

test('a subscriber that overflows its queue is repaired from the log without a hole', async (t) => {
  const core = await openTemp(t, { subscriberQueueLimit: 16 })
  const live = collect(core)
  t.after(live.stop)
  // The JS thread is busy producing in large bursts, so the queue of 16 overflows often.
  await Promise.all([0, 1].map((p) => produce(core, p, 10000, 2000)))
  await live.untilSeq(20000)
  assert.equal(live.events.length, 20000)
  assert.equal(consecutive(live.events, 1), null)
})

test('a subscriber that throws keeps receiving, others are unaffected, and the error is reported', async (t) => {
  const core = await openTemp(t)
  const reported = []
  const throwingBatches = []
  const stopThrowing = core.subscribe((batch) => {
    throwingBatches.push(batch.length)
    throw new Error('subscriber bug')
  }, { onError: (err) => reported.push(err.message) })
  t.after(stopThrowing)
  const rejecting = []
  const stopRejecting = core.subscribe(async (batch) => {
    rejecting.push(...batch)
    throw new Error('async subscriber bug')
  }, { onError: (err) => reported.push(err.message) })
  t.after(stopRejecting)
  const warnings = []
  const onWarning = (warning) => warnings.push(warning)
  process.on('warning', onWarning)
  t.after(() => process.off('warning', onWarning))
  const stopUnhandled = core.subscribe(() => { throw new Error('nobody listens') })
  t.after(stopUnhandled)
  const healthy = collect(core)
  t.after(healthy.stop)

  for (let i = 0; i < 5; i++) await core.emit('x.one', { data: i })
  await healthy.untilSeq(5)
  await eventually(() => throwingBatches.reduce((a, b) => a + b, 0) === 5, 'the throwing subscriber to get every event')
  await eventually(() => rejecting.length === 5, 'the rejecting subscriber to get every event')
  await eventually(() => warnings.some((w) => w.name === 'JobwireSubscriberWarning' && w.cause?.message === 'nobody listens'),
    'a warning for the subscriber without onError')
  assert.equal(healthy.events.length, 5)
  assert.ok(reported.includes('subscriber bug'))
  assert.ok(reported.includes('async subscriber bug'))
})

test('unsubscribing from inside the callback stops delivery at once', async (t) => {
  const core = await openTemp(t)
  let calls = 0
  const stop = core.subscribe(() => {
    calls++
    stop()
  })
  for (let i = 0; i < 20; i++) await core.emit('x.one', {})
  await eventually(() => calls > 0, 'the first batch')
  const witness = collect(core, { after: 0 })
  t.after(witness.stop)
  await witness.untilSeq(20)
  await sleep(50) // room for any batch that was already on its way
  assert.equal(calls, 1)
})

test('fake timers on the global (as in an app\'s tests) do not stall writes or delivery', async (t) => {
  const realSetImmediate = globalThis.setImmediate
  globalThis.setImmediate = () => {} // a fake clock that never advances
  t.after(() => { globalThis.setImmediate = realSetImmediate })
  const core = await openTemp(t)
  const live = collect(core)
  t.after(live.stop)
  // Enough writes and events for several turns of each queue.
  const writes = Promise.all(Array.from({ length: 5000 }, (_, i) => core.emit('x.faked', { data: i })))
  let timer
  const stalled = new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error('writes stalled')), 20000) })
  await Promise.race([writes, stalled]).finally(() => clearTimeout(timer))
  await live.untilSeq(5000)
  assert.equal(consecutive(live.events, 1), null)
})

// The threads of this process, by name (Linux: /proc/self/task/*/comm).
function threadCount () {
  return require('node:fs').readdirSync('/proc/self/task').length
}

test('200 subscriptions, as an app with many windows opens, share one delivery thread, and each gets its own events from its own cursor', { skip: process.platform !== 'linux' && 'counts threads in /proc' }, async (t) => {
  const core = await openTemp(t)
  await produce(core, 0, 400)
  const first = collect(core) // the delivery thread starts with the first subscription
  t.after(first.stop)
  const before = threadCount()
  const subscribers = []
  for (let i = 0; i < 200; i++) {
    const live = collect(core, { after: i * 2 }) // each resumes from its own cursor
    subscribers.push(live)
    t.after(live.stop)
  }
  assert.ok(threadCount() <= before, `200 more subscriptions started ${threadCount() - before} threads`)
  await produce(core, 1, 100)
  for (const [i, live] of subscribers.entries()) {
    await live.untilSeq(500, 30000)
    assert.equal(live.events.length, 500 - i * 2, `subscriber ${i} got every event after ${i * 2}`)
    assert.equal(consecutive(live.events, i * 2 + 1), null, `subscriber ${i}: in order, no gap, no duplicate`)
  }
})

test('a text subscription gets each batch unparsed: the same envelopes, their count and the cursor; a bad option is refused', async (t) => {
  const core = await openTemp(t)
  await produce(core, 0, 300)
  const parsed = collect(core, { after: 0 })
  t.after(parsed.stop)
  const texts = []
  const stop = core.subscribe((batch) => { texts.push(batch) }, { after: 0, text: true })
  t.after(stop)
  await parsed.untilSeq(300, 30000)
  await eventually(() => texts.length > 0 && texts.at(-1).cursor === 300, 'the text subscription reaches 300')
  for (const batch of texts) {
    assert.equal(typeof batch.json, 'string')
    assert.equal(JSON.parse(batch.json).length, batch.count)
    assert.equal(batch.reset, undefined)
  }
  assert.deepEqual(texts.flatMap((batch) => JSON.parse(batch.json)), parsed.events)
  assert.throws(() => core.subscribe(() => {}, { text: 'yes' }), { name: 'TypeError', message: /text must be true or false/ })

  const beyond = []
  const stopBeyond = core.subscribe((batch) => { beyond.push(batch) }, { after: 5000, text: true })
  t.after(stopBeyond)
  await eventually(() => beyond.length > 0, 'the reset of a cursor beyond the head')
  assert.deepEqual(beyond[0], { json: '[]', count: 0, cursor: 300, reset: true })
})
