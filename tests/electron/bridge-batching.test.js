'use strict'
// Bridge units: how events are batched into IPC messages. Real core, real bridge, real
// preload; Electron's IPC is replaced by the stand-in in harness/ipc-standin.js.
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, countSubscriptions, collect, waitFor, burst } = require('./harness/bridge-fixture')

// The events one jobwire:events message carried: its parts are batches' JSON texts and
// control messages.
function eventsIn (payload) {
  return payload.parts.reduce((n, part) => n + (typeof part === 'string' ? JSON.parse(part).length : 0), 0)
}

function assertStrictlyIncreasing (seqs) {
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seq ${seqs[i]} after ${seqs[i - 1]}`)
}

test('a burst of 5,000 events reaches the page complete and in order, at most one IPC message per 16 ms frame', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const page = openWindow()
  const seen = collect(page.window)
  const before = page.webContents.sentMessages

  const total = 5_000
  await burst(core, total)
  await waitFor(() => seen.seqs().length >= total, { what: 'all events' })

  const seqs = seen.seqs()
  assert.equal(seqs.length, total)
  assertStrictlyIncreasing(seqs)
  const times = page.webContents.sendTimes.slice(before)
  assert.ok(times.length < total / 10, `${times.length} messages carried ${total} events`)
  for (let i = 1; i < times.length; i++) {
    assert.ok(times[i] - times[i - 1] >= 16, `messages ${i - 1} and ${i} were ${(times[i] - times[i - 1]).toFixed(2)} ms apart`)
  }
})

test('an idle window gets a single event at once, without waiting for a frame', async (t) => {
  // A long frame makes "at once" unmistakable: waiting a frame would take a whole second.
  const { core, openWindow } = await bridgeFixture(t, { frameMs: 1000 })
  const page = openWindow()
  const seen = collect(page.window)
  await new Promise((resolve) => setTimeout(resolve, 50))

  const started = performance.now()
  const job = await core.createJob({ type: 'single' })
  await waitFor(() => seen.messages.some((m) => m.job === job.id), { what: 'the event' })
  assert.ok(performance.now() - started < 500, 'the idle window was sent the event at once')

  // A second event inside the same frame waits for the frame: batching starts under load.
  const second = await core.createJob({ type: 'single' })
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(seen.messages.some((m) => m.job === second.id), false, 'the second event waits for the frame')
  await waitFor(() => seen.messages.some((m) => m.job === second.id), { what: 'the second event' })
})

test('a subscriber sees each event once even when it subscribes twice with overlapping cursors', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const page = openWindow()
  const first = collect(page.window, { after: 0 })
  await burst(core, 50)
  await waitFor(() => first.seqs().length >= 50)
  const second = collect(page.window, { after: first.seqs()[9] })
  await burst(core, 10)
  await waitFor(() => first.seqs().length >= 60 && second.seqs().length >= 50)
  assert.equal(new Set(first.seqs()).size, 60)
  assert.deepEqual(second.seqs(), first.seqs().slice(10))
})

test('a window more than maxPending events behind gets every event once, in order, in messages of at most maxPending', async (t) => {
  // A frame long enough that the burst piles up past the bound before it could be sent.
  const { core, openWindow } = await bridgeFixture(t, { maxPending: 100, frameMs: 50 })
  const subscriptions = countSubscriptions(core)
  const page = openWindow()
  const seen = collect(page.window)
  await core.createJob({ type: 'first' }) // makes the window's next send wait a whole frame
  await waitFor(() => seen.seqs().length === 1)

  await burst(core, 2_000)
  await waitFor(() => seen.seqs().length === 2_001, { what: 'every event, through the log' })
  assert.deepEqual(seen.seqs(), Array.from({ length: 2_001 }, (_, i) => seen.seqs()[0] + i), 'each seq once, in order')
  const sizes = page.received.map(eventsIn)
  assert.ok(sizes.every((size) => size <= 100), `no message carried more than maxPending events: ${Math.max(...sizes)}`)
  assert.ok(subscriptions.opened > 2, `the window's subscription restarted from its cursor (${subscriptions.opened} opened)`)
  assert.equal(subscriptions.held, 1)
})
