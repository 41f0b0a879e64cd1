'use strict'
// The event loop stays responsive while a million events are written and streamed to a
// subscriber: a 10 ms timer is never more than 50 ms late (the bound issue 3 names),
// counting only time the JS thread had a CPU (see runqueueWaitMs).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { openTemp } = require('./helpers')

const TOTAL = 1000000
const PRODUCERS = 4
const WINDOW = 500 // writes one producer keeps in flight

async function produce (core, producer, count) {
  for (let start = 0; start < count; start += WINDOW) {
    const writes = []
    for (let i = start; i < Math.min(count, start + WINDOW); i++) writes.push(core.emit('x.stream', { data: { producer, i } }))
    await Promise.all(writes)
  }
}

// Milliseconds this thread has spent runnable but waiting for a CPU (Linux schedstat), or
// 0 where that is not known. On a shared 2-core machine other processes can keep the JS
// thread off the CPU for longer than any bound; that time is not the event loop being held.
function runqueueWaitMs () {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')
    return Number(fields[1]) / 1e6
  } catch {
    return 0
  }
}

// A 10 ms timer that records how late each tick fires, until stopped: `worst` as the clock
// saw it, and `worstHeld` without the time the thread waited for a CPU.
function lateness () {
  let worst = 0
  let worstHeld = 0
  let ticks = 0
  let timer
  let expected = performance.now() + 10
  let waited = runqueueWaitMs()
  const tick = () => {
    const now = performance.now()
    const nowWaited = runqueueWaitMs()
    const late = now - expected
    worst = Math.max(worst, late)
    worstHeld = Math.max(worstHeld, late - (nowWaited - waited))
    ticks++
    expected = now + 10
    waited = nowWaited
    timer = setTimeout(tick, 10)
  }
  timer = setTimeout(tick, 10)
  return { stop: () => { clearTimeout(timer); return { worst, worstHeld, ticks } } }
}

test('a 10 ms timer is never more than 50 ms late while 1,000,000 events stream', { timeout: 200000 }, async (t) => {
  const core = await openTemp(t)
  let received = 0
  let last = 0
  let hole = null
  let done
  const all = new Promise((resolve) => { done = resolve })
  const stop = core.subscribe((batch) => {
    for (const event of batch) {
      if (event.seq !== last + 1 && hole === null) hole = `seq ${event.seq} after ${last}`
      last = event.seq
    }
    received += batch.length
    if (received >= TOTAL) done()
  })
  t.after(stop)

  const timer = lateness()
  const started = performance.now()
  await Promise.all(Array.from({ length: PRODUCERS }, (_, p) => produce(core, p, TOTAL / PRODUCERS)))
  await all
  const seconds = (performance.now() - started) / 1000
  const { worst, worstHeld, ticks } = timer.stop()
  t.diagnostic(`${TOTAL} events written and delivered in ${seconds.toFixed(1)} s; ${ticks} ticks; ` +
    `worst ${worst.toFixed(1)} ms late, ${worstHeld.toFixed(1)} ms of it with the thread on a CPU`)

  assert.equal(hole, null)
  assert.equal(received, TOTAL)
  assert.ok(ticks > 10, 'the timer ran throughout')
  assert.ok(worstHeld <= 50, `the event loop was held ${worstHeld.toFixed(1)} ms (the timer was ${worst.toFixed(1)} ms late)`)
})
