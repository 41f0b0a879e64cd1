'use strict'
// The preload of every jobwire window. It runs sandboxed (it may require only 'electron'),
// so it is one self-contained file; the channel names repeat electron/main/channels.js.
//
// It exposes window.jobwire = { subscribe, query, resume, version } and nothing else: no
// ipcRenderer, no Node object, no event object reaches the page. Every argument is checked
// here, before anything is sent.

const { contextBridge, ipcRenderer } = require('electron')

const EVENTS = 'jobwire:events'
const QUERY = 'jobwire:query'
const RESUME = 'jobwire:resume'
const MAX_PATH_CHARS = 8192

function versionFromArguments (argv) {
  const flag = (argv || []).find((arg) => typeof arg === 'string' && arg.startsWith('--jobwire-version='))
  return flag ? flag.slice('--jobwire-version='.length) : 'unknown'
}

function isSeq (value) {
  return Number.isSafeInteger(value) && value >= 0
}

// One stream per page: every subscriber shares it and has its own floor, so a subscriber
// never sees a seq twice and never sees one older than it asked for.
const listeners = new Set()
let position = null // the last seq the stream handed out; null until the first resume answers
let catchingUp = 0 // the token of the running catch-up; 0 when live
let nextToken = 0
let heldBack = [] // live batches that arrived while a catch-up was reading the log

function handOut (messages) {
  const events = []
  for (const message of messages) {
    if (typeof message.seq === 'number' && message.type !== 'reset' && message.type !== 'gap') {
      if (position !== null && message.seq <= position) continue
      position = message.seq
    }
    events.push(message)
  }
  if (events.length === 0) return
  for (const listener of [...listeners]) {
    const fresh = events.filter((m) => typeof m.seq !== 'number' || m.type === 'reset' || m.seq > listener.floor)
    if (fresh.length === 0) continue
    const last = fresh[fresh.length - 1]
    if (last.type !== 'reset') listener.floor = Math.max(listener.floor, last.seq ?? listener.floor)
    try {
      listener.fn(fresh)
    } catch (err) {
      // A throwing subscriber must not stop delivery to the others.
      setTimeout(() => { throw err })
    }
  }
}

function onLiveBatch (messages) {
  if (catchingUp) {
    heldBack.push(messages)
    return
  }
  if (messages.some((m) => m.type === 'gap')) {
    catchUp(position)
    return
  }
  handOut(messages)
}

// Reads the log after `from` through the main process, page by page, then releases the
// live batches held back meanwhile. Resolves with { next } or { reset: true, next }.
async function catchUp (from) {
  const token = ++nextToken
  catchingUp = token
  heldBack = []
  if (from !== null && from !== undefined) position = from
  try {
    let cursor = from
    for (;;) {
      const answer = await ipcRenderer.invoke(RESUME, cursor === null ? undefined : cursor)
      if (catchingUp !== token) return { next: position, superseded: true }
      if (answer.reset) {
        position = answer.next
        for (const listener of listeners) listener.floor = answer.next
        handOut([{ type: 'reset', seq: answer.next }])
        break
      }
      handOut(answer.events)
      cursor = answer.next
      position = position === null ? answer.next : Math.max(position, answer.next)
      if (!answer.more) break
    }
    catchingUp = 0
    const batches = heldBack
    heldBack = []
    for (const batch of batches) onLiveBatch(batch)
    return { next: position }
  } catch (err) {
    if (catchingUp === token) catchingUp = 0
    handOut([{ type: 'error', message: String(err && err.message) }])
    throw err
  }
}

ipcRenderer.on(EVENTS, (_event, messages) => {
  if (Array.isArray(messages)) onLiveBatch(messages)
})

// subscribe(fn, { after }) → unsubscribe. fn gets arrays of event envelopes (seq order) and
// control messages ({type:'reset', seq}, {type:'error', message}). Without `after` the stream
// continues from where this page is, or — on a fresh page — from the window's cursor kept by
// the main process, so a reloaded window resumes.
function subscribe (fn, options) {
  if (typeof fn !== 'function') throw new TypeError('jobwire.subscribe takes a function')
  const after = options === undefined || options === null ? undefined : options.after
  if (options !== undefined && options !== null && typeof options !== 'object') throw new TypeError('jobwire.subscribe options must be an object')
  if (after !== undefined && !isSeq(after)) throw new TypeError('jobwire.subscribe: after must be a non-negative integer')
  const listener = { fn, floor: after !== undefined ? after : position !== null ? position : -1 }
  const first = listeners.size === 0 && position === null
  listeners.add(listener)
  if (first || (after !== undefined && (position === null || after < position))) {
    catchUp(after !== undefined ? after : null).catch(() => {})
  }
  return function unsubscribe () {
    listeners.delete(listener)
  }
}

// query(path | {method, path, body}) → Promise<{status, body}>, the HTTP routes' shapes.
function query (request) {
  const form = typeof request === 'string' ? { method: 'GET', path: request } : request
  if (form === null || typeof form !== 'object') throw new TypeError('jobwire.query takes a path or {method, path, body}')
  const method = form.method === undefined ? 'GET' : form.method
  if (method !== 'GET' && method !== 'POST') throw new TypeError('jobwire.query: method must be GET or POST')
  if (typeof form.path !== 'string' || !form.path.startsWith('/api/') || form.path.length > MAX_PATH_CHARS) {
    throw new TypeError('jobwire.query: path must be an /api/ route')
  }
  const message = { method, path: form.path }
  if (form.body !== undefined) message.body = form.body
  return ipcRenderer.invoke(QUERY, message)
}

// resume(after) → Promise<{next} | {reset: true, next}>: moves this page's stream to the
// events after `after`; subscribers receive them, then live events.
function resume (after) {
  if (!isSeq(after)) throw new TypeError('jobwire.resume takes a seq (a non-negative integer)')
  return catchUp(after)
}

contextBridge.exposeInMainWorld('jobwire', {
  subscribe,
  query,
  resume,
  version: versionFromArguments(process.argv),
})
