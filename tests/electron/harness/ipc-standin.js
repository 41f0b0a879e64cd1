'use strict'
// A STAND-IN FOR ELECTRON'S IPC, used where the Electron binary is not installed. Only the
// binary is replaced: the real bridge (electron/main) and the real preload run against it.
// It keeps the rules the bridge depends on:
//   - every payload crosses as bytes made by v8.serialize and read by v8.deserialize, the
//     structured clone Electron uses, so functions, symbols and class instances fail or
//     lose their prototypes exactly as they would;
//   - only the three jobwire channels exist; any other channel throws;
//   - ipcMain.handle takes one handler per channel, and invoke resolves with the handler's
//     answer or rejects with "Error invoking remote method '<channel>': <error>", which
//     keeps only the message (as Electron does);
//   - each invoke carries the sender (the webContents) and senderFrame.url, the URL of the
//     frame that sent it, which the bridge checks against its allowlist.
const v8 = require('node:v8')
const { EventEmitter } = require('node:events')

const CHANNELS = Object.freeze(['jobwire:events', 'jobwire:query', 'jobwire:resume'])

function checkChannel (channel) {
  if (!CHANNELS.includes(channel)) throw new Error(`stand-in IPC: channel ${String(channel)} does not exist`)
}

const toBytes = (value) => v8.serialize(value)
const fromBytes = (bytes) => v8.deserialize(bytes)

class StandInIpcMain {
  constructor () {
    this.handlers = new Map()
  }

  handle (channel, handler) {
    checkChannel(channel)
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  }

  removeHandler (channel) {
    this.handlers.delete(channel)
  }

  // The renderer side of invoke: `argBytes` are the serialized arguments; the answer goes
  // back serialized too. `frameUrl` is where the invoking frame is now.
  async invoke (channel, { sender, frameUrl }, argBytes) {
    checkChannel(channel)
    const args = fromBytes(argBytes)
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`)
    const event = { sender, senderFrame: { url: frameUrl }, processId: 1, frameId: 1 }
    try {
      return toBytes(await handler(event, ...args))
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${err}`)
    }
  }
}

let nextContentsId = 1

// A webContents: `renderer` is the page side ({ url(), deliver(channel, bytes) }).
class StandInWebContents extends EventEmitter {
  constructor (renderer) {
    super()
    this.id = nextContentsId++
    this.renderer = renderer
    this.destroyed = false
    this.sentMessages = 0
    this.sendTimes = [] // performance.now() of every send, for the batching checks
  }

  send (channel, ...args) {
    checkChannel(channel)
    if (this.destroyed) throw new Error('Object has been destroyed')
    this.sentMessages += 1
    this.sendTimes.push(performance.now())
    this.renderer.deliver(channel, toBytes(args))
  }

  getURL () {
    return this.renderer.url()
  }

  isDestroyed () {
    return this.destroyed
  }

  // A navigation of the main frame began (Electron ≥ 25's details form).
  startNavigation (url) {
    this.emit('did-start-navigation', { url, isMainFrame: true, isSameDocument: false, isInPlace: false })
  }

  destroy () {
    if (this.destroyed) return
    this.destroyed = true
    this.emit('destroyed')
  }
}

module.exports = { StandInIpcMain, StandInWebContents, CHANNELS, toBytes, fromBytes }
