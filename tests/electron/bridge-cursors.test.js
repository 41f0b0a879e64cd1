'use strict'
// Bridge units: each window has its own cursor, kept by the main process, so a reloaded
// window resumes where it was and other windows are not disturbed. Real core, real bridge,
// real preload; Electron's IPC is replaced by the stand-in in harness/ipc-standin.js.
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, collect, waitFor, burst } = require('./harness/bridge-fixture')

test('a window reloaded while events stream resumes from its cursor: nothing missed, nothing twice', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const steady = openWindow()
  const reloaded = openWindow()
  const steadySeen = collect(steady.window)
  const beforeReload = collect(reloaded.window)

  const producing = (async () => {
    for (let round = 0; round < 40; round++) {
      await burst(core, 25)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })()
  await waitFor(() => beforeReload.seqs().length >= 100, { what: 'events before the reload' })
  const world = reloaded.reload()
  const afterReload = collect(world) // no `after`: the window's cursor, kept by main
  await producing
  await waitFor(() => steadySeen.seqs().length >= 1000, { what: 'every event in the steady window' })
  const all = steadySeen.seqs()
  await waitFor(() => afterReload.seqs().at(-1) === all.at(-1), { what: 'the reloaded window to catch up' })

  const joined = [...beforeReload.seqs(), ...afterReload.seqs()]
  assert.deepEqual(joined, all, 'the two documents of the reloaded window saw every event exactly once')
  assert.ok(afterReload.seqs().length > 0 && beforeReload.seqs().length > 0)
})

test('windows keep separate cursors: a paused window does not hold back another', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const a = openWindow()
  const b = openWindow()
  const aSeen = collect(a.window)
  const bSeen = collect(b.window)
  await burst(core, 20)
  await waitFor(() => aSeen.seqs().length === 20 && bSeen.seqs().length === 20)

  // Window b starts navigating away and has no page for a while; a keeps receiving.
  b.webContents.startNavigation('file:///opt/jobwire-app/dashboard/index.html')
  const sentToB = b.webContents.sentMessages
  await burst(core, 30)
  await waitFor(() => aSeen.seqs().length === 50)
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(b.webContents.sentMessages, sentToB, 'nothing is sent to a window with no page')

  const world = b.load(b.url())
  const bAfter = collect(world)
  await waitFor(() => bAfter.seqs().length === 30, { what: 'b to resume' })
  assert.deepEqual(bAfter.seqs(), aSeen.seqs().slice(20))
})

test('a cursor the store never had answers reset, then live events flow', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const page = openWindow()
  const seen = collect(page.window, { after: 1_000_000_000 })
  await waitFor(() => seen.messages.some((m) => m.type === 'reset'), { what: 'reset' })
  const job = await core.createJob({ type: 'after-reset' })
  await waitFor(() => seen.messages.some((m) => m.job === job.id), { what: 'a live event after reset' })
  assert.equal(seen.messages[0].type, 'reset')
})
