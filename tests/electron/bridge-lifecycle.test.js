'use strict'
// Bridge units: lifecycle and refusals. Closing a window releases everything it held;
// closing the bridge releases the handlers; a frame whose URL is not allowed gets nothing.
// Real core, real bridge, real preload; Electron's IPC is replaced by the stand-in.
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, collect, waitFor, burst } = require('./harness/bridge-fixture')

const WINDOW_EVENTS = ['did-start-navigation', 'render-process-gone', 'destroyed']

function listenerCounts (webContents) {
  return Object.fromEntries(WINDOW_EVENTS.map((name) => [name, webContents.listenerCount(name)]))
}

test('a closed window leaves no listener, timer or session behind', async (t) => {
  const { core, bridge, openWindow } = await bridgeFixture(t)
  const windows = Array.from({ length: 5 }, () => openWindow())
  const seen = windows.map((page) => collect(page.window))
  assert.deepEqual(listenerCounts(windows[0].webContents), { 'did-start-navigation': 1, 'render-process-gone': 1, destroyed: 1 })
  await burst(core, 200)
  await waitFor(() => seen.every((collector) => collector.seqs().length >= 200))

  const closing = windows.slice(0, 4)
  const kept = windows[4]
  // Close while a frame is pending, so a timer exists at the moment of closing.
  void burst(core, 200)
  await new Promise((resolve) => setTimeout(resolve, 2))
  const sessions = closing.map((page) => bridge.sessions.get(page.webContents.id))
  for (const page of closing) page.webContents.destroy()
  for (const session of sessions) {
    assert.equal(session.timer, null, 'no frame timer survives the window')
    assert.equal(session.pending.length, 0, 'no queued event survives the window')
  }

  for (const page of closing) {
    assert.deepEqual(listenerCounts(page.webContents), { 'did-start-navigation': 0, 'render-process-gone': 0, destroyed: 0 })
  }
  assert.equal(bridge.sessions.size, 1)
  const sentAtClose = closing.map((page) => page.webContents.sentMessages)
  await burst(core, 100)
  await waitFor(() => seen[4].seqs().length >= 500, { what: 'the kept window to receive everything' })
  assert.deepEqual(closing.map((page) => page.webContents.sentMessages), sentAtClose, 'closed windows are sent nothing')
})

test('closing the bridge removes its IPC handlers and detaches every window', async (t) => {
  const { ipcMain, bridge, openWindow } = await bridgeFixture(t)
  const page = openWindow()
  assert.deepEqual([...ipcMain.handlers.keys()].sort(), ['jobwire:query', 'jobwire:resume'])
  await bridge.close()
  assert.equal(ipcMain.handlers.size, 0)
  assert.equal(bridge.sessions.size, 0)
  assert.deepEqual(listenerCounts(page.webContents), { 'did-start-navigation': 0, 'render-process-gone': 0, destroyed: 0 })
})

test('a frame whose URL is not allowed gets no events and no answers', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const allowed = openWindow()
  const stranger = openWindow('https://example.com/phish.html')
  const allowedSeen = collect(allowed.window)
  const strangerSeen = collect(stranger.window)

  await assert.rejects(stranger.window.jobwire.query('/api/jobs'), /may not use jobwire/)
  await assert.rejects(stranger.window.jobwire.resume(0), /may not use jobwire/)
  await burst(core, 20)
  await waitFor(() => allowedSeen.seqs().length === 20)
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(stranger.webContents.sentMessages, 0)
  assert.deepEqual(strangerSeen.seqs(), [])
  assert.ok(strangerSeen.messages.every((m) => m.type === 'error'))
})

test('a page that navigated to a foreign URL stops receiving, even though the window is attached', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const page = openWindow()
  const seen = collect(page.window)
  await burst(core, 5)
  await waitFor(() => seen.seqs().length === 5)
  // The page itself changes location without the bridge seeing a navigation start.
  page.currentUrl = 'https://example.com/'
  const sent = page.webContents.sentMessages
  await burst(core, 5)
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(page.webContents.sentMessages, sent)
})
