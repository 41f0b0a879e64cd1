'use strict'
// Sets up what the bridge units share: a real core, the real bridge on a stand-in ipcMain,
// and page stand-ins (NodeRenderer) that run the real preload. Everything is released when
// the test ends.
const { createBridge } = require('../../../electron/main')
const { StandInIpcMain } = require('./ipc-standin')
const { NodeRenderer } = require('./node-renderer')
const { openCore } = require('./open-core')

const APP_URL = 'file:///opt/jobwire-app/dashboard/index.html'
const ALLOW = ['file:///opt/jobwire-app/dashboard/']

async function bridgeFixture (t, bridgeOptions = {}, coreOptions = {}) {
  const core = await openCore(t, coreOptions)
  const ipcMain = new StandInIpcMain()
  const bridge = await createBridge({ core, ipcMain, allow: ALLOW, ...bridgeOptions })
  t.after(() => bridge.close())

  function openWindow (url = APP_URL, pageOptions = {}) {
    const page = new NodeRenderer({ ipcMain, url, ...pageOptions })
    bridge.attach(page.webContents)
    t.after(() => page.webContents.destroy())
    return page
  }

  return { core, ipcMain, bridge, openWindow }
}

// core.serve on loopback, closed when the test ends; null (the test skipped) when this build
// of the addon has no HTTP engine.
async function serveOrSkip (t, core) {
  try {
    const server = await core.serve({ host: '127.0.0.1', port: 0 })
    t.after(() => server.close())
    return server
  } catch (err) {
    if (err.code !== 'unavailable') throw err
    t.skip('this build of the addon has no HTTP engine (core.serve answers unavailable)')
    return null
  }
}

// Counts the native subscriptions the bridge opens and still holds, by wrapping
// core.subscribe: `opened` ever, `held` now.
function countSubscriptions (core) {
  const count = { opened: 0, held: 0 }
  const subscribe = core.subscribe.bind(core)
  core.subscribe = (fn, options) => {
    const unsubscribe = subscribe(fn, options)
    count.opened += 1
    count.held += 1
    let held = true
    return () => {
      if (held) count.held -= 1
      held = false
      unsubscribe()
    }
  }
  return count
}

// Subscribes through window.jobwire and keeps every message, in arrival order.
function collect (world, options) {
  const messages = []
  const stop = world.jobwire.subscribe((batch) => messages.push(...batch), options)
  const seqs = () => messages.filter((m) => m.seq !== undefined).map((m) => m.seq)
  return { messages, seqs, stop }
}

async function waitFor (predicate, { timeoutMs = 10_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

// n committed events: n jobs created concurrently. Resolves with the seq of each event.
async function burst (core, n, type = 'burst') {
  const jobs = await Promise.all(Array.from({ length: n }, () => core.createJob({ type })))
  return jobs
}

module.exports = { bridgeFixture, serveOrSkip, countSubscriptions, collect, waitFor, burst, APP_URL, ALLOW }
