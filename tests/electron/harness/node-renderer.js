'use strict'
// A page stand-in in Node for the bridge units: it runs the REAL preload
// (electron/preload/index.js) in a fresh vm context whose require('electron') answers a
// stand-in contextBridge and ipcRenderer that speak to StandInIpcMain / StandInWebContents.
// The page sees only what contextBridge exposed, as in Electron.
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const { StandInWebContents, toBytes, fromBytes } = require('./ipc-standin')

const preloadFile = path.join(__dirname, '..', '..', '..', 'electron', 'preload', 'index.js')
const preloadSource = fs.readFileSync(preloadFile, 'utf8')

// contextBridge copies values into the page world and proxies functions; arguments coming
// back from the page are copied the same way (functions stay callable).
function bridgeValue (value) {
  if (typeof value === 'function') {
    return (...args) => bridgeValue(value(...args.map(bridgeValue)))
  }
  if (value !== null && typeof value === 'object' && typeof value.then === 'function') return value.then(bridgeValue)
  if (Array.isArray(value)) return Object.freeze(value.map(bridgeValue))
  if (value !== null && typeof value === 'object') {
    const copy = {}
    for (const [key, inner] of Object.entries(value)) copy[key] = bridgeValue(inner)
    return Object.freeze(copy)
  }
  return value
}

const pipe = () => new Promise((resolve) => setImmediate(resolve))

class NodeRenderer {
  // replyDelayMs: holds each invoke reply that long after the main process answered, so
  // messages sent after the answer overtake it (an IPC whose reply and sends are not ordered).
  constructor ({ ipcMain, url, version = '0.0.0-test', replyDelayMs = 0 }) {
    this.ipcMain = ipcMain
    this.replyDelayMs = replyDelayMs
    this.currentUrl = url
    this.version = version
    this.listeners = new Map()
    this.received = [] // every batch that reached the page's ipcRenderer listener
    this.webContents = new StandInWebContents(this)
    this.window = null
    this.load(url)
  }

  url () {
    return this.currentUrl
  }

  // Main → renderer: asynchronous, like a message on the IPC pipe.
  // A message already on its way reaches the document that was there when it was sent.
  deliver (channel, bytes) {
    const listeners = this.listeners.get(channel) ?? []
    setImmediate(() => {
      const args = fromBytes(bytes)
      if (channel === 'jobwire:events') this.received.push(args[0])
      for (const listener of listeners) listener({}, ...args)
    })
  }

  // (Re)creates the page world and runs the preload in it, as a navigation does.
  load (url) {
    this.currentUrl = url
    this.listeners = new Map()
    const world = {}
    const ipcRenderer = {
      on: (channel, fn) => {
        const list = this.listeners.get(channel) ?? []
        list.push(fn)
        this.listeners.set(channel, list)
      },
      invoke: async (channel, ...args) => {
        const frameUrl = this.currentUrl
        // The reply comes back on the same ordered pipe as sends (setImmediate, as deliver):
        // after any message sent before it, before any sent after it.
        const reply = this.ipcMain.invoke(channel, { sender: this.webContents, frameUrl }, toBytes(args))
        await reply.then(pipe, pipe)
        if (this.replyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.replyDelayMs))
        return fromBytes(await reply)
      },
    }
    const contextBridge = {
      exposeInMainWorld: (key, api) => { world[key] = bridgeValue(api) },
    }
    const sandbox = {
      require: (name) => {
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`)
        return { contextBridge, ipcRenderer }
      },
      process: { argv: [`--jobwire-version=${this.version}`] },
      setTimeout,
      queueMicrotask,
      console,
    }
    vm.runInNewContext(preloadSource, sandbox, { filename: preloadFile })
    this.window = world
    return world
  }

  reload () {
    this.webContents.startNavigation(this.currentUrl)
    return this.load(this.currentUrl)
  }
}

module.exports = { NodeRenderer }
