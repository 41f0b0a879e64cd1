'use strict'
// The main-process bridge: attaches windows (one WindowSession each, which owns that window's
// native subscription and batches it onto `jobwire:events`) and answers `jobwire:query` and
// `jobwire:resume`. Electron objects (ipcMain, BrowserWindow / webContents) are passed in, so
// the same code runs in Electron's main process and in the test harness.

const { CHANNELS } = require('./channels')
const { WindowSession } = require('./window-session')
const { createQueryRouter } = require('./query-router')
const { createFrameAllowlist } = require('./frame-allowlist')
const { displayFrameMs } = require('./display-frame')

const DEFAULTS = Object.freeze({
  maxPending: 50_000, // the most events one window holds for a frame (and one message carries)
})

function refuse (message) {
  return new Error(`jobwire: ${message}`)
}

function checkOptions (options) {
  if (options === null || typeof options !== 'object') throw new TypeError('createBridge takes an options object')
  const { core, ipcMain } = options
  if (!core || typeof core.subscribe !== 'function' || typeof core.logInfo !== 'function') {
    throw new TypeError('createBridge: core must be a jobwire Core (require("jobwire").open())')
  }
  if (!ipcMain || typeof ipcMain.handle !== 'function' || typeof ipcMain.removeHandler !== 'function') {
    throw new TypeError('createBridge: ipcMain must be Electron\'s ipcMain')
  }
  if (options.screen !== undefined && typeof options.screen?.getDisplayMatching !== 'function') {
    throw new TypeError('createBridge: screen must be Electron\'s screen module')
  }
  if (options.frameMs !== undefined && !(Number.isInteger(options.frameMs) && options.frameMs >= 0)) {
    throw new TypeError('createBridge: frameMs must be a non-negative integer')
  }
  if (options.maxPending !== undefined && !(Number.isInteger(options.maxPending) && options.maxPending >= 1)) {
    throw new TypeError('createBridge: maxPending must be a positive integer')
  }
}

class Bridge {
  constructor (options) {
    this.core = options.core
    this.ipcMain = options.ipcMain
    this.isAllowed = createFrameAllowlist(options.allow)
    // One IPC message per window per frame, at most: a fixed frameMs, or else each window's
    // display refresh interval (display-frame.js).
    this.fixedFrameMs = options.frameMs ?? null
    this.screen = options.screen ?? null
    this.onDisplaysChanged = () => this.refreshFrames()
    this.maxPending = options.maxPending ?? DEFAULTS.maxPending
    this.answerQuery = createQueryRouter({ core: this.core, polling: options.polling, writes: options.writes === true })
    this.sessions = new Map() // webContents.id → WindowSession
    this.windows = new Map() // webContents.id → its BrowserWindow, when attach was given one
    this.detachers = new Map() // webContents.id → function releasing its listeners
    this.closed = false
  }

  async start () {
    this.ipcMain.handle(CHANNELS.query, (event, request) => this.onQuery(event, request))
    this.ipcMain.handle(CHANNELS.resume, (event, after) => this.onResume(event, after))
    if (this.fixedFrameMs === null) this.screen?.on?.('display-metrics-changed', this.onDisplaysChanged)
    return this
  }

  // Each window's frame again: a display changed its refresh rate, or a window moved.
  refreshFrames () {
    for (const [id, session] of this.sessions) session.frameMs = this.frameMsOf(this.windows.get(id))
  }

  frameMsOf (window) {
    return this.fixedFrameMs ?? displayFrameMs(this.screen, window)
  }

  // Attaches a BrowserWindow (or its webContents). Returns a function that detaches it;
  // the window closing does the same.
  attach (windowOrContents) {
    if (this.closed) throw refuse('the bridge is closed')
    const contents = windowOrContents?.webContents ?? windowOrContents
    const window = windowOrContents?.webContents ? windowOrContents : null
    if (!contents || typeof contents.send !== 'function' || typeof contents.on !== 'function') {
      throw new TypeError('attach takes a BrowserWindow or its webContents')
    }
    if (this.sessions.has(contents.id)) return this.detachers.get(contents.id)

    // The session subscribes when its page first resumes: a window without a page costs nothing.
    const session = new WindowSession({ core: this.core, webContents: contents, isAllowed: this.isAllowed, frameMs: this.frameMsOf(window), maxPending: this.maxPending })
    const onMoved = () => { session.frameMs = this.frameMsOf(window) }
    const onNavigation = (...args) => {
      // Electron ≥ 25 passes a details object; older versions (event, url, isInPlace, isMainFrame).
      const details = args[0]?.isMainFrame !== undefined ? args[0] : { isSameDocument: args[2], isMainFrame: args[3] }
      if (details.isMainFrame && !details.isSameDocument) session.pause()
    }
    const onGone = () => session.pause()
    const detach = () => {
      if (!this.sessions.has(contents.id)) return
      contents.removeListener('did-start-navigation', onNavigation)
      contents.removeListener('render-process-gone', onGone)
      contents.removeListener('destroyed', detach)
      window?.removeListener?.('move', onMoved)
      session.close()
      this.sessions.delete(contents.id)
      this.windows.delete(contents.id)
      this.detachers.delete(contents.id)
    }
    contents.on('did-start-navigation', onNavigation)
    contents.on('render-process-gone', onGone)
    contents.once('destroyed', detach)
    // Dragged to another display: its refresh rate may differ.
    if (window && this.fixedFrameMs === null) {
      window.on?.('move', onMoved)
      this.windows.set(contents.id, window)
    }
    this.sessions.set(contents.id, session)
    this.detachers.set(contents.id, detach)
    return detach
  }

  // The session of an invoking frame, or a refusal. Frames whose URL is not allowed, and
  // windows that were never attached, get nothing.
  sessionOf (event) {
    const session = this.sessions.get(event?.sender?.id)
    const url = event?.senderFrame?.url
    if (!session || !this.isAllowed(url)) throw refuse('this frame may not use jobwire')
    return session
  }

  async onQuery (event, request) {
    this.sessionOf(event)
    return this.answerQuery(request)
  }

  // (Re)starts the invoking window's stream after `after` (nothing: after its cursor).
  // Answers {generation, from, head}: the page takes only that generation's parts.
  async onResume (event, after) {
    const session = this.sessionOf(event)
    if (after !== null && after !== undefined && !(Number.isSafeInteger(after) && after >= 0)) {
      throw new TypeError('resume takes a seq (a non-negative integer) or nothing')
    }
    return session.resume(after ?? undefined)
  }

  async close () {
    if (this.closed) return
    this.closed = true
    for (const detach of [...this.detachers.values()]) detach()
    this.ipcMain.removeHandler(CHANNELS.query)
    this.ipcMain.removeHandler(CHANNELS.resume)
    this.screen?.removeListener?.('display-metrics-changed', this.onDisplaysChanged)
  }
}

// Creates and starts a bridge. Options: core, ipcMain, screen (Electron's: each window's frame
// is then its display's refresh interval; without it, 60 Hz), allow (URL prefixes or predicates
// of the frames that may use jobwire), writes (let the renderer submit and cancel jobs),
// polling (the /api/config/polling answer), frameMs (a fixed frame instead), maxPending.
async function createBridge (options) {
  checkOptions(options)
  return new Bridge(options).start()
}

module.exports = { createBridge }
