'use strict'
// The frame the bridge batches to is the window's display refresh interval. Electron's
// `screen` and BrowserWindow are stand-ins here (no Electron binary): a screen with a 30 Hz
// display left of x = 1000 and a 120 Hz one right of it, and a window that can be moved.
const test = require('node:test')
const assert = require('node:assert/strict')
const { EventEmitter } = require('node:events')
const { bridgeFixture, collect, waitFor, burst } = require('./harness/bridge-fixture')
const { displayFrameMs } = require('../../electron/main/display-frame')
const { NodeRenderer } = require('./harness/node-renderer')

const APP_URL = 'file:///opt/jobwire-app/dashboard/index.html'

class StandInScreen extends EventEmitter {
  constructor () {
    super()
    this.leftHz = 30
    this.rightHz = 120
  }

  getDisplayMatching (bounds) {
    return { id: bounds.x < 1000 ? 1 : 2, displayFrequency: bounds.x < 1000 ? this.leftHz : this.rightHz }
  }
}

// A BrowserWindow stand-in around a page's webContents, at x.
class StandInWindow extends EventEmitter {
  constructor (webContents, x) {
    super()
    this.webContents = webContents
    this.x = x
  }

  getBounds () { return { x: this.x, y: 0, width: 800, height: 600 } }

  moveTo (x) {
    this.x = x
    this.emit('move')
  }
}

function gaps (times) {
  return times.slice(1).map((t, i) => t - times[i])
}

// Events over ~200 ms, so that they span several frames of any display here.
async function trickle (core, total) {
  for (let i = 0; i < 10; i++) {
    await burst(core, total / 10)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

test('displayFrameMs: the display\'s refresh interval, 60 Hz when unknown', () => {
  const screen = new StandInScreen()
  assert.equal(displayFrameMs(screen, new StandInWindow(null, 0)), 1000 / 30)
  assert.equal(displayFrameMs(screen, new StandInWindow(null, 2000)), 1000 / 120)
  screen.rightHz = 0 // Electron reports 0 where the platform does not say
  assert.equal(displayFrameMs(screen, new StandInWindow(null, 2000)), 1000 / 60)
  assert.equal(displayFrameMs(undefined, new StandInWindow(null, 0)), 1000 / 60)
  assert.equal(displayFrameMs(screen, null), 1000 / 60, 'a bare webContents has no bounds')
})

test('a window on a 30 Hz display gets at most one message per 33 ms; moved to 120 Hz, its frame follows', async (t) => {
  const screen = new StandInScreen()
  const { core, ipcMain, bridge } = await bridgeFixture(t, { screen })
  const page = new NodeRenderer({ ipcMain, url: APP_URL })
  t.after(() => page.webContents.destroy())
  const win = new StandInWindow(page.webContents, 100)
  bridge.attach(win)
  const seen = collect(page.window)

  const sendsBefore = page.webContents.sendTimes.length
  await trickle(core, 3_000)
  await waitFor(() => seen.seqs().length >= 3_000, { what: 'the events at 30 Hz' })
  const slow = gaps(page.webContents.sendTimes.slice(sendsBefore))
  assert.ok(slow.length >= 2, `${slow.length + 1} messages`)
  for (const gap of slow) assert.ok(gap >= 1000 / 30 - 0.5, `messages ${gap.toFixed(2)} ms apart at 30 Hz`)

  win.moveTo(1500)
  assert.equal(bridge.sessions.get(page.webContents.id).frameMs, 1000 / 120)
  screen.rightHz = 144
  screen.emit('display-metrics-changed')
  assert.equal(bridge.sessions.get(page.webContents.id).frameMs, 1000 / 144)
  const sendsAtFast = page.webContents.sendTimes.length
  await trickle(core, 3_000)
  await waitFor(() => seen.seqs().length >= 6_000, { what: 'the events at 144 Hz' })
  const fast = gaps(page.webContents.sendTimes.slice(sendsAtFast))
  assert.ok(fast.length >= 2, `${fast.length + 1} messages`)
  for (const gap of fast) {
    assert.ok(gap >= 1000 / 144 - 0.5, `messages ${gap.toFixed(2)} ms apart at 144 Hz`)
  }
})

test('a fixed frameMs wins over the display, and a closed bridge stops listening to the screen', async (t) => {
  const screen = new StandInScreen()
  const { bridge, openWindow } = await bridgeFixture(t, { screen, frameMs: 50 })
  const page = openWindow()
  assert.equal(bridge.sessions.get(page.webContents.id).frameMs, 50)
  assert.equal(screen.listenerCount('display-metrics-changed'), 0, 'a fixed frame needs no screen events')
  const { bridge: followsScreen } = await bridgeFixture(t, { screen })
  assert.equal(screen.listenerCount('display-metrics-changed'), 1)
  await followsScreen.close()
  assert.equal(screen.listenerCount('display-metrics-changed'), 0)
})
