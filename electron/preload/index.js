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
let position = null // the last seq this page was given; null until the first resume answers
let resumed = false // whether this page has asked the main process to stream to it yet
let catchingUp = 0 // the token of the running catch-up; 0 when live
let nextToken = 0
let heldBack = [] // live batches that arrived while a catch-up was reading the log

// Control messages ({type: 'reset' | 'gap' | 'error', …}) carry no seq, so a client that
// filters on seq never mistakes one for an event.
function isEvent (message) {
  return typeof message.seq === 'number'
}

function handOut (messages) {
  const fresh = []
  for (const message of messages) {
    if (isEvent(message)) {
      if (position !== null && message.seq <= position) continue
      position = message.seq
    }
    fresh.push(message)
  }
  if (fresh.length === 0) return
  for (const listener of [...listeners]) {
    const mine = fresh.filter((m) => !isEvent(m) || m.seq > listener.floor)
    if (mine.length === 0) continue
    for (const m of mine) if (isEvent(m)) listener.floor = m.seq
    try {
      listener.fn(mine)
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
    catchUp(position, true).catch(() => {})
    return
  }
  handOut(messages)
}

// Reads the log after `from` (null: the window's cursor, kept by the main process) page by
// page through jobwire:resume, which also moves the window's stream there. The pages go to
// the subscribers (`toSubscribers`) or into the answer. Live batches that arrive meanwhile
// are held back and released after, past what the pages gave.
async function catchUp (from, toSubscribers) {
  const token = ++nextToken
  catchingUp = token
  resumed = true
  heldBack = []
  if (toSubscribers && from !== null) position = from // replay from there; floors stop repeats
  const events = []
  let answer
  try {
    let cursor = from
    do {
      answer = await ipcRenderer.invoke(RESUME, cursor === null ? undefined : cursor)
      if (catchingUp !== token) return { events, next: answer.next, superseded: true }
      if (answer.reset) break
      if (toSubscribers) handOut(answer.events)
      else events.push(...answer.events)
      cursor = answer.next
    } while (answer.more)
  } catch (err) {
    if (catchingUp === token) catchingUp = 0
    handOut([{ type: 'error', message: String(err && err.message) }])
    throw err
  }
  position = position === null || answer.reset ? answer.next : Math.max(position, answer.next)
  if (answer.reset) {
    for (const listener of listeners) listener.floor = answer.next
    if (toSubscribers) handOut([{ type: 'reset', next: answer.next }])
  }
  catchingUp = 0
  const batches = heldBack
  heldBack = []
  for (const batch of batches) onLiveBatch(batch)
  return answer.reset ? { reset: true, next: answer.next } : { events, next: answer.next }
}

ipcRenderer.on(EVENTS, (_event, messages) => {
  if (Array.isArray(messages)) onLiveBatch(messages)
})

// subscribe(fn, { after }) → unsubscribe. fn gets arrays of event envelopes (seq order) and
// control messages ({type:'reset', next}: refetch snapshots; {type:'error', message}). With `after`, the
// subscriber first gets the events after it. Without, a fresh page continues from the
// window's cursor (so a reloaded window resumes) unless the page calls resume() itself in
// the same turn.
function subscribe (fn, options) {
  if (typeof fn !== 'function') throw new TypeError('jobwire.subscribe takes a function')
  if (options !== undefined && options !== null && typeof options !== 'object') throw new TypeError('jobwire.subscribe options must be an object')
  const after = options === undefined || options === null ? undefined : options.after
  if (after !== undefined && !isSeq(after)) throw new TypeError('jobwire.subscribe: after must be a non-negative integer')
  const listener = { fn, floor: after !== undefined ? after : position !== null ? position : -1 }
  listeners.add(listener)
  if (after !== undefined && (position === null || after < position)) {
    catchUp(after, true).catch(() => {})
  } else if (!resumed) {
    queueMicrotask(() => { if (!resumed) catchUp(null, true).catch(() => {}) })
  }
  return function unsubscribe () {
    listeners.delete(listener)
  }
}

// query(path | {method, path, body, idempotencyKey}) → Promise of the body the HTTP route
// would answer, or, when it would answer an error status, that body with the status added:
// {error: {code, message, status}} (and a reset's oldest, seq and epoch beside it). A
// write's idempotencyKey is HTTP's Idempotency-Key: a retry with it commits once.
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
  if (form.idempotencyKey !== undefined) message.idempotencyKey = form.idempotencyKey
  return ipcRenderer.invoke(QUERY, message).then(({ status, body }) => (
    status < 400 ? body : { ...body, error: { ...body.error, status } }
  ))
}

// resume(after) → Promise<{events, next} | {reset: true, next}>: the events after `after`
// (every page, until caught up); this page's live stream continues after `next`.
function resume (after) {
  if (!isSeq(after)) throw new TypeError('jobwire.resume takes a seq (a non-negative integer)')
  return catchUp(after, false)
}

contextBridge.exposeInMainWorld('jobwire', {
  subscribe,
  query,
  resume,
  version: versionFromArguments(process.argv),
})
