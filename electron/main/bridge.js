'use strict'
// The main-process bridge: one core subscription fanned out to every attached window over
// `jobwire:events`, and the `jobwire:query` / `jobwire:resume` handlers. Electron objects
// (ipcMain, BrowserWindow / webContents) are passed in, so the same code runs in Electron's
// main process and in the test harness.

const { CHANNELS } = require('./channels')
const { WindowSession } = require('./window-session')
const { createQueryRouter } = require('./query-router')
const { createFrameAllowlist } = require('./frame-allowlist')
const { displayFrameMs } = require('./display-frame')

const DEFAULTS = Object.freeze({
  maxPending: 50_000, // events one window may hold between frames before it is sent `gap`
  resumeLimit: 5_000, // events one resume answer carries
})

const MAX_RESUME_LIMIT = 10_000 // the most events core.eventsAfter reads at once

function refuse (message) {
  return new Error(`jobwire: ${message}`)
}

function checkOptions (options) {
  if (options === null || typeof options !== 'object') throw new TypeError('createBridge takes an options object')
  const { core, ipcMain } = options
  if (!core || typeof core.subscribe !== 'function' || typeof core.eventsAfter !== 'function' || typeof core.logInfo !== 'function') {
    throw new TypeError('createBridge: core must be a jobwire Core (require("jobwire").open())')
  }
  if (!ipcMain || typeof ipcMain.handle !== 'function' || typeof ipcMain.removeHandler !== 'function') {
    throw new TypeError('createBridge: ipcMain must be Electron\'s ipcMain')
  }
  if (options.screen !== undefined && typeof options.screen?.getDisplayMatching !== 'function') {
    throw new TypeError('createBridge: screen must be Electron\'s screen module')
  }
  for (const name of ['frameMs', 'maxPending', 'resumeLimit']) {
    const value = options[name] ?? DEFAULTS[name]
    if (value === undefined) continue
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`createBridge: ${name} must be a non-negative integer`)
  }
  const resumeLimit = options.resumeLimit ?? DEFAULTS.resumeLimit
  if (resumeLimit < 1 || resumeLimit > MAX_RESUME_LIMIT) throw new TypeError(`createBridge: resumeLimit must be from 1 to ${MAX_RESUME_LIMIT}`)
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
    this.resumeLimit = options.resumeLimit ?? DEFAULTS.resumeLimit
    this.answerQuery = createQueryRouter({ core: this.core, polling: options.polling, writes: options.writes === true })
    this.sessions = new Map() // webContents.id → WindowSession
    this.windows = new Map() // webContents.id → its BrowserWindow, when attach was given one
    this.detachers = new Map() // webContents.id → function releasing its listeners
    this.seen = null // the newest seq the core subscription delivered
    this.unsubscribe = null
    this.closed = false
  }

  async start () {
    // Start the stream at the log's head so `seen` is known before any window resumes.
    const { head } = this.core.logInfo()
    this.seen = head
    this.unsubscribe = this.core.subscribe((batch) => this.deliver(batch), { after: head })
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

  // A batch from the core subscription: seq order, each above the previous batch. A batch
  // marked `reset` means the bridge itself fell behind retention (events were lost to every
  // window): each window is sent `gap` and catches up from the log, where it meets reset.
  deliver (batch) {
    if (batch.reset) {
      for (const session of this.sessions.values()) session.overflow()
    }
    if (batch.length === 0) return
    this.seen = batch[batch.length - 1].seq
    for (const session of this.sessions.values()) session.push(batch)
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

    const session = new WindowSession({ webContents: contents, isAllowed: this.isAllowed, frameMs: this.frameMsOf(window), maxPending: this.maxPending })
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

  async onResume (event, after) {
    const session = this.sessionOf(event)
    if (after !== null && after !== undefined && !(Number.isSafeInteger(after) && after >= 0)) {
      throw new TypeError('resume takes a seq (a non-negative integer) or nothing')
    }
    const from = after ?? session.cursor ?? this.seen
    const token = session.beginCatchUp(this.seen)
    let page
    try {
      page = await this.core.eventsAfter(from, { limit: this.resumeLimit })
    } catch (err) {
      if (err?.code !== 'reset') {
        if (session.isCurrent(token)) session.pause() // nothing streams until the page resumes again
        throw err
      }
      if (!session.isCurrent(token)) return { reset: true, next: this.seen }
      const next = session.collectFrom
      session.goLive(next)
      return { reset: true, next }
    }
    if (!session.isCurrent(token)) return { events: page.events, next: page.next, more: true }
    const caughtUp = session.finishPage(page.next)
    return { events: page.events, next: page.next, more: !caughtUp }
  }

  async close () {
    if (this.closed) return
    this.closed = true
    for (const detach of [...this.detachers.values()]) detach()
    this.ipcMain.removeHandler(CHANNELS.query)
    this.ipcMain.removeHandler(CHANNELS.resume)
    this.screen?.removeListener?.('display-metrics-changed', this.onDisplaysChanged)
    if (this.unsubscribe) this.unsubscribe()
    this.unsubscribe = null
  }
}

// Creates and starts a bridge. Options: core, ipcMain, screen (Electron's: each window's frame
// is then its display's refresh interval; without it, 60 Hz), allow (URL prefixes or predicates
// of the frames that may use jobwire), writes (let the renderer submit and cancel jobs),
// polling (the /api/config/polling answer), frameMs (a fixed frame instead), maxPending,
// resumeLimit.
async function createBridge (options) {
  checkOptions(options)
  return new Bridge(options).start()
}

module.exports = { createBridge }
