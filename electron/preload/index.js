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

// One stream per page, moved by resume(): the main process answers {generation, from, head}
// and then sends that stream as {generation, parts}: each part is the JSON text of a batch of
// envelopes as the core stored it (parsed here, so the main process never parses an event) or
// a control message. Messages that arrive while a resume is asked are held until its answer
// names the new generation; then those of that generation are taken, and every other one (an
// earlier stream's, still on its way) is dropped, so a resume never lands behind them, in
// whatever order the reply and the sends arrive. The main process's native subscription makes
// the stream whole: each seq once, in order; a `reset` message when the start was older than
// retention.
//
// Every subscriber keeps a floor, so several in one page each see a seq once and never one
// older than they asked for.
const listeners = new Set()
let generation = null // the stream this page takes messages from; null while a resume is asked
let position = null // every seq above it is still to come; null: not known
let started = false // whether this page has asked the main process to stream to it yet
let requests = 0 // resumes asked for: only the latest one's answer moves the stream
let answering = null // a resume() call's answer in the making: {head, events, resolve}
let held = [] // messages that arrived while a resume was asked, for its answer to sort

// Control messages ({type: 'reset' | 'error', …}) carry no seq, so a client that filters on
// seq never mistakes one for an event.
function isEvent (message) {
  return typeof message.seq === 'number'
}

function handOut (messages) {
  for (const message of messages) {
    if (isEvent(message)) position = message.seq
    else if (message.type === 'reset') position = message.next
  }
  for (const listener of [...listeners]) {
    const mine = []
    for (const message of messages) {
      if (isEvent(message)) {
        if (message.seq <= listener.floor) continue
        listener.floor = message.seq
      } else if (message.type === 'reset') {
        listener.floor = message.next
      }
      mine.push(message)
    }
    if (mine.length === 0) continue
    try {
      listener.fn(mine)
    } catch (err) {
      // A throwing subscriber must not stop delivery to the others.
      setTimeout(() => { throw err })
    }
  }
}

function finishAnswer (result) {
  const { resolve } = answering
  answering = null
  resolve(result)
}

// The running resume() takes its events (up to the head it was answered) from the front of
// `messages`, or a reset; returns what is for the subscribers. That is every event: those the
// answer took too, since a subscriber may not have seen them yet (they were on their way to
// the page when resume() was asked), and its floor drops any it has.
function takeAnswer (messages) {
  let i = 0
  for (; i < messages.length; i++) {
    const message = messages[i]
    if (message.type === 'reset') {
      position = message.next
      for (const listener of listeners) listener.floor = message.next
      finishAnswer({ reset: true, next: message.next })
      return messages.slice(i + 1)
    }
    if (message.seq > answering.head) break
    answering.events.push(message)
    position = message.seq
  }
  if (i < messages.length || position >= answering.head) finishAnswer({ events: answering.events, next: position })
  return messages
}

// A message's parts as one array of envelopes and control messages, in order.
function messagesOf (parts) {
  const messages = []
  for (const part of parts) {
    if (typeof part !== 'string') {
      messages.push(part)
      continue
    }
    const events = JSON.parse(part)
    for (let i = 0; i < events.length; i++) messages.push(events[i])
  }
  return messages
}

function take (payload) {
  if (payload.generation !== generation) return
  const all = messagesOf(payload.parts)
  const messages = answering ? takeAnswer(all) : all
  if (messages.length) handOut(messages)
}

ipcRenderer.on(EVENTS, (_event, payload) => {
  if (payload === null || typeof payload !== 'object' || !Array.isArray(payload.parts)) return
  if (generation === null) {
    if (started) held.push(payload)
    return
  }
  take(payload)
})

// Moves this page's stream to after `after` (undefined: the window's cursor, kept by the
// main process). `prepare(answer)` runs once the new stream is known, before the messages held
// meanwhile are taken. Resolves with the main process's answer, or null when a later resume
// overtook this one.
async function restart (after, prepare) {
  started = true
  const request = ++requests
  generation = null
  held = []
  position = after === undefined ? null : after
  let answer
  try {
    answer = await ipcRenderer.invoke(RESUME, after)
  } catch (err) {
    if (request === requests) {
      held = []
      handOut([{ type: 'error', message: String(err && err.message) }])
    }
    throw err
  }
  if (request !== requests) return null
  // An earlier resume() still answering never gets the rest of its events now.
  if (answering) finishAnswer({ events: answering.events, next: position, superseded: true })
  generation = answer.generation
  position = answer.from
  if (prepare) prepare(answer)
  const arrived = held
  held = []
  for (const payload of arrived) take(payload)
  return answer
}

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
    restart(after).catch(() => {}) // replay from there; the floors stop repeats
  } else if (!started) {
    queueMicrotask(() => { if (!started) restart(undefined).catch(() => {}) })
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
// up to the head when asked; this page's stream continues after `next`, to the subscribers.
function resume (after) {
  if (!isSeq(after)) throw new TypeError('jobwire.resume takes a seq (a non-negative integer)')
  return new Promise((resolve, reject) => {
    // Beyond the head, the stream's first message is the core's reset, which answers.
    const prepare = (answer) => { if (answer.from !== answer.head) answering = { head: answer.head, events: [], resolve } }
    restart(after, prepare).then((answer) => {
      if (answer === null) resolve({ events: [], next: after, superseded: true })
      else if (answer.from === answer.head) resolve({ events: [], next: answer.from })
    }, reject)
  })
}

contextBridge.exposeInMainWorld('jobwire', {
  subscribe,
  query,
  resume,
  version: versionFromArguments(process.argv),
})
