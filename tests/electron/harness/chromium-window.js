'use strict'
// A BrowserWindow stand-in for machines without Electron: a page of headless Chromium that
// runs the REAL preload (electron/preload/index.js) before any page script, joined to the
// real bridge by the stand-in IPC (ipc-standin.js). In the page:
//   - the preload runs in a closure, in the main frame only (Electron runs preloads in
//     sub-frames only with nodeIntegrationInSubFrames, which jobwire windows keep off);
//   - require('electron') gives a stand-in contextBridge, which exposes copies and proxies
//     functions, and a stand-in ipcRenderer, which structured-clones its arguments
//     (structuredClone, then V8's wire format via v8-wire.js) and carries the bytes to Node
//     through a Playwright binding that reports the calling frame's URL;
//   - main → renderer sends arrive as V8 wire bytes and are decoded in the page.
const fs = require('node:fs')
const path = require('node:path')
const { StandInWebContents } = require('./ipc-standin')
const { makeV8Wire } = require('./v8-wire')

const preloadFile = path.join(__dirname, '..', '..', '..', 'electron', 'preload', 'index.js')
const INVOKE_BINDING = '__jobwireStandInIpcInvoke'
const DELIVER_HOOK = '__jobwireStandInIpcDeliver'

function pageScript ({ preloadSource, version }) {
  return `(() => {
  if (window.top !== window) return
  const wire = (${makeV8Wire.toString()})()
  const invokeBinding = window[${JSON.stringify(INVOKE_BINDING)}]
  try { delete window[${JSON.stringify(INVOKE_BINDING)}] } catch {}
  const CHANNELS = ['jobwire:events', 'jobwire:query', 'jobwire:resume']
  const checkChannel = (channel) => {
    if (!CHANNELS.includes(channel)) throw new Error('stand-in IPC: channel ' + String(channel) + ' does not exist')
  }
  const toBase64 = (bytes) => {
    let text = ''
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192))
    return btoa(text)
  }
  const fromBase64 = (text) => {
    const raw = atob(text)
    const bytes = new Uint8Array(raw.length)
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
    return bytes
  }
  const listeners = new Map()
  const ipcRenderer = {
    on (channel, listener) {
      checkChannel(channel)
      if (!listeners.has(channel)) listeners.set(channel, [])
      listeners.get(channel).push(listener)
      return ipcRenderer
    },
    async invoke (channel, ...args) {
      checkChannel(channel)
      const bytes = wire.encode(structuredClone(args))
      return wire.decode(fromBase64(await invokeBinding(channel, toBase64(bytes))))
    }
  }
  // Takes [channel, base64 bytes] pairs: every message queued while the last hop was in
  // flight. Each is still its own IPC message, dispatched in send order.
  Object.defineProperty(window, ${JSON.stringify(DELIVER_HOOK)}, {
    value: (messages) => {
      for (const [channel, text] of messages) {
        const args = wire.decode(fromBase64(text))
        for (const listener of listeners.get(channel) || []) listener({}, ...args)
      }
    }
  })
  // contextBridge: functions are proxied; other values are copied and frozen, both ways.
  const copy = (value) => {
    if (typeof value === 'function') return (...args) => copy(value(...args.map(copy)))
    if (value instanceof Promise) return value.then(copy)
    if (Array.isArray(value)) return Object.freeze(value.map(copy))
    if (value !== null && typeof value === 'object') {
      const out = {}
      for (const key of Object.keys(value)) out[key] = copy(value[key])
      return Object.freeze(out)
    }
    return value
  }
  const contextBridge = {
    exposeInMainWorld (key, api) {
      Object.defineProperty(window, key, { value: copy(api), enumerable: true })
    }
  }
  const require = (name) => {
    if (name !== 'electron') throw new Error('a sandboxed preload cannot require ' + name)
    return { contextBridge, ipcRenderer }
  }
  const process = { argv: [${JSON.stringify(`--jobwire-version=${version}`)}] }
  ;(function (require, process) {
${preloadSource}
  })(require, process)
})()`
}

class ChromiumWindow {
  // Opens a page in `browser` (from launchChromium) wired to `ipcMain`. Call load(url) next.
  static async open ({ browser, ipcMain, version = '0.0.0-harness' }) {
    const window = new ChromiumWindow()
    const page = await browser.context.newPage()
    window.page = page
    window.webContents = new StandInWebContents(window)
    window.delivery = Promise.resolve()
    window.outbox = []
    await page.exposeBinding(INVOKE_BINDING, async (source, channel, text) => {
      const answer = await ipcMain.invoke(channel, { sender: window.webContents, frameUrl: source.frame.url() }, Buffer.from(text, 'base64'))
      return answer.toString('base64')
    })
    await page.addInitScript(pageScript({ preloadSource: fs.readFileSync(preloadFile, 'utf8'), version }))
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) window.webContents.startNavigation(request.url())
    })
    page.on('close', () => window.webContents.destroy())
    return window
  }

  url () {
    return this.page.isClosed() ? '' : this.page.mainFrame().url()
  }

  // Main → renderer, in send order, into whatever document the main frame holds now. One
  // DevTools call is in flight at a time; the messages sent meanwhile wait in the outbox and
  // travel together in the next call, so the call's round trip is paid once per hop rather
  // than once per message (Electron's own IPC has no such hop).
  deliver (channel, bytes) {
    this.outbox.push([channel, bytes.toString('base64')])
    if (this.outbox.length === 1) this.delivery = this.delivery.then(() => this.flushOutbox())
  }

  async flushOutbox () {
    const messages = this.outbox
    this.outbox = []
    await this.page.mainFrame()
      .evaluate(([hook, batch]) => window[hook] && window[hook](batch), [DELIVER_HOOK, messages])
      .catch(() => {}) // the document went away: a message in flight to it is lost, as in Electron
  }

  load (url) {
    return this.page.goto(url)
  }

  reload () {
    return this.page.reload()
  }

  close () {
    return this.page.close()
  }
}

module.exports = { ChromiumWindow }
