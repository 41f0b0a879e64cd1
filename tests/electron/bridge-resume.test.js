'use strict'
// Bridge units: one resume path. Each window owns one native subscription from its own
// cursor; the core seams the log to the live feed, and the bridge and preload only batch and
// carry. These check the seam end to end while writes keep coming, the generations that keep
// a resume from landing behind messages still in flight, reset, and the subscription count.
// Real core, real bridge, real preload; Electron's IPC is the stand-in in harness/.
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, countSubscriptions, collect, waitFor, burst } = require('./harness/bridge-fixture')

// Every seq from `after` + 1 to `last`, once each, in order (seqs are dense).
function range (after, last) {
  return Array.from({ length: last - after }, (_, i) => after + 1 + i)
}

// Writes in small rounds until stop() is called; resolves when the last round is committed.
function keepWriting (core) {
  let running = true
  const done = (async () => {
    while (running) {
      await burst(core, 10)
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  })()
  return { stop: () => { running = false; return done } }
}

// Calls `fn` in the page once, right after the `nth` message the window is sent from now on,
// while that message is still on its way to the page.
function afterSend (webContents, nth, fn) {
  const send = webContents.send
  let count = 0
  webContents.send = function (...args) {
    send.apply(this, args)
    if (++count === nth) {
      webContents.send = send
      queueMicrotask(fn)
    }
  }
}

test('two windows resuming from different cursors while writes flow each get their events once, in order', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  await burst(core, 300)
  const a = openWindow()
  const b = openWindow()
  const writer = keepWriting(core)
  await waitFor(() => core.logInfo().head >= 400, { what: 'writes under way' })
  const aSeen = collect(a.window, { after: 20 })
  const bSeen = collect(b.window, { after: 250 })
  await waitFor(() => aSeen.seqs().length > 500 && bSeen.seqs().length > 300, { what: 'both windows streaming' })
  await writer.stop()
  const last = core.logInfo().head
  await waitFor(() => aSeen.seqs().at(-1) === last && bSeen.seqs().at(-1) === last, { what: 'both windows to catch up' })

  assert.deepEqual(aSeen.seqs(), range(20, last))
  assert.deepEqual(bSeen.seqs(), range(250, last))
})

test('a window reloaded three times while writes flow: its documents together saw every seq once', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const page = openWindow()
  const start = core.logInfo().head
  const documents = [collect(page.window)]
  const writer = keepWriting(core)
  for (let reload = 0; reload < 3; reload++) {
    const current = documents.at(-1)
    await waitFor(() => current.seqs().length >= 60, { what: `events in document ${documents.length}` })
    documents.push(collect(page.reload())) // no `after`: the window's cursor, kept by main
  }
  await waitFor(() => documents.at(-1).seqs().length >= 60, { what: 'events in the last document' })
  await writer.stop()
  const last = core.logInfo().head
  await waitFor(() => documents.at(-1).seqs().at(-1) === last, { what: 'the last document to catch up' })

  assert.deepEqual(documents.flatMap((document) => document.seqs()), range(start, last))
})

test('a resume while messages of the old stream are on their way: no hole, no duplicate', async (t) => {
  // A long frame puts many events in each message, so a stale one would be easy to see.
  const { core, openWindow } = await bridgeFixture(t, { frameMs: 30 })
  await burst(core, 100)
  const page = openWindow()
  const writer = keepWriting(core)
  const newer = collect(page.window, { after: 80 })
  let older = null
  // The second subscriber, older than the page's stream, restarts it while a message of the
  // first stream is still on its way; that message must be dropped, not handed out.
  await waitFor(() => newer.seqs().length > 0, { what: 'the first stream' })
  afterSend(page.webContents, 2, () => { older = collect(page.window, { after: 10 }) })
  await waitFor(() => older !== null && older.seqs().length > 200, { what: 'the restarted stream' })
  await writer.stop()
  const last = core.logInfo().head
  await waitFor(() => newer.seqs().at(-1) === last && older.seqs().at(-1) === last, { what: 'both subscribers to catch up' })

  assert.deepEqual(newer.seqs(), range(80, last))
  assert.deepEqual(older.seqs(), range(10, last))
  const generations = page.received.map((payload) => payload.generation)
  assert.ok(new Set(generations).size >= 2, 'the page was sent messages of two streams')
})

test('resume() while messages of the old stream are on their way answers exactly the events up to the head, then live', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, { frameMs: 30 })
  await burst(core, 100)
  const page = openWindow()
  const live = collect(page.window)
  const writer = keepWriting(core)
  await waitFor(() => live.seqs().length > 0, { what: 'the first stream' })
  let resumed = null
  afterSend(page.webContents, 2, () => {
    const head = core.logInfo().head
    resumed = page.window.jobwire.resume(40).then((answer) => ({ answer, head }))
  })
  await waitFor(() => resumed !== null, { what: 'the resume' })
  const { answer, head } = await resumed
  await waitFor(() => live.seqs().filter((seq) => seq > answer.next).length > 100, { what: 'live events after the answer' })
  await writer.stop()

  // The writes go on while the resume crosses to the main process, so the answer ends at the
  // head the core had then: at or after the one read before the call.
  assert.ok(answer.next >= head, `the answer ends at ${answer.next}, before the head ${head} when resume() was called`)
  assert.deepEqual(Array.from(answer.events, (event) => event.seq), range(40, answer.next))
  // The subscriber saw the first stream, then, after the answer, the events right after it.
  const seqs = live.seqs()
  const cut = seqs.findIndex((seq) => seq > answer.next)
  assert.deepEqual(seqs.slice(0, cut), range(seqs[0] - 1, seqs[cut - 1]))
  assert.deepEqual(seqs.slice(cut), range(answer.next, seqs.at(-1)))
})

test('events that resume() answers and the subscribers had not seen yet reach the subscribers too', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, { frameMs: 200 })
  await burst(core, 100)
  const page = openWindow()
  const seen = collect(page.window, { after: 0 })
  await waitFor(() => seen.seqs().at(-1) === 100, { what: 'the first stream' })
  // Committed, and held by the bridge until the window's next frame when resume() is asked.
  await burst(core, 10)
  const answer = await page.window.jobwire.resume(40)
  assert.deepEqual(Array.from(answer.events, (event) => event.seq), range(40, 110))
  await waitFor(() => seen.seqs().at(-1) === 110, { what: 'the subscriber to get 101 to 110' })
  assert.deepEqual(seen.seqs(), range(0, 110))
})

test('a cursor older than retention answers reset, to resume() and to subscribers, then live events flow', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, {}, { retentionEvents: 10 })
  for (let i = 0; i < 51; i++) await core.createJob({ type: 'retained' })
  // Retention prunes in the commit of each group: the last 10 of 51 events are kept.
  assert.deepEqual({ head: core.logInfo().head, oldest: core.logInfo().oldest }, { head: 51, oldest: 42 })
  const page = openWindow()
  assert.deepEqual(await page.window.jobwire.resume(5), { reset: true, next: 51 })
  const kept = await page.window.jobwire.resume(41)
  assert.deepEqual([Array.from(kept.events, (event) => event.seq), kept.next], [range(41, 51), 51])

  const other = openWindow()
  const seen = collect(other.window, { after: 3 })
  await waitFor(() => seen.messages.length > 0, { what: 'reset' })
  assert.deepEqual(seen.messages, [{ type: 'reset', next: 51 }])
  await core.createJob({ type: 'after-reset' })
  await waitFor(() => seen.seqs().length === 1, { what: 'a live event after reset' })
  assert.deepEqual(seen.seqs(), [52])
})

test('each window holds one native subscription while its page listens, released on navigation, close, detach and bridge close', async (t) => {
  const { core, bridge, openWindow } = await bridgeFixture(t)
  const subscriptions = countSubscriptions(core)
  const windows = Array.from({ length: 4 }, () => openWindow())
  assert.equal(subscriptions.held, 0, 'a window without a listening page costs nothing')
  const seen = windows.map((page) => collect(page.window))
  await waitFor(() => subscriptions.held === 4, { what: 'one subscription per window' })
  await burst(core, 20)
  await waitFor(() => seen.every((collector) => collector.seqs().length === 20), { what: 'every window' })
  assert.equal(subscriptions.opened, 4, 'one subscription per window, none shared')

  windows[0].webContents.startNavigation('file:///opt/jobwire-app/dashboard/other.html')
  assert.equal(subscriptions.held, 3, 'navigation releases it')
  windows[1].webContents.destroy()
  assert.equal(subscriptions.held, 2, 'closing releases it')
  bridge.attach(windows[2].webContents)() // attach answers the window's detach function
  assert.equal(subscriptions.held, 1, 'detaching releases it')

  collect(windows[0].load(windows[0].url()))
  await waitFor(() => subscriptions.held === 2, { what: 'the navigated window to resume' })
  collect(windows[0].window, { after: 0 }) // a resume of the same window replaces its stream
  await waitFor(() => subscriptions.opened === 6, { what: 'the second resume' })
  assert.equal(subscriptions.held, 2)

  await bridge.close()
  assert.equal(subscriptions.held, 0, 'closing the bridge releases every one')
})

test('a resume whose reply arrives after its stream\'s first messages loses none of them', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, { frameMs: 1 })
  await burst(core, 200)
  // Each reply reaches the page 40 ms after the main process answered: the new stream's first
  // messages (the backlog after 50, then live ones) get there before it.
  const page = openWindow(undefined, { replyDelayMs: 40 })
  const writer = keepWriting(core)
  const seen = collect(page.window, { after: 50 })
  await waitFor(() => seen.seqs().length > 300, { what: 'the stream under way' })
  const answer = await page.window.jobwire.resume(120)
  assert.ok(answer.events.length > 0 && answer.events[0].seq === 121, 'resume() answered from 121')
  await writer.stop()
  const last = core.logInfo().head
  await waitFor(() => seen.seqs().at(-1) === last, { what: 'the window to catch up' })
  assert.deepEqual(seen.seqs(), range(50, last), 'the subscriber saw every seq once, in order')
  assert.ok(page.received.some((payload) => payload.generation === 1), 'messages of the first stream arrived')
})
