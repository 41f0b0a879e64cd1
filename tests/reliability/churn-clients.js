'use strict'
// The logical clients of the churn run. Each follows the log over one transport (SSE,
// WebSocket or long-poll): it connects from its cursor, reads for a random while, then
// vanishes without a goodbye (a TCP reset, or a FIN, or for WebSocket also a close frame)
// and reconnects from its cursor, until told to finish; then it reads up to a fence seq and
// closes. `received` records every envelope it took whole, duplicates included (support.js's
// DeliveryRecord, which keeps ranges of seqs and a fold, not the envelopes).
const http = require('node:http')
const WebSocket = require('ws')
const { createSseParser, sleep } = require('../http/support')
const { DeliveryRecord } = require('./support')

const CONTROL = new Set(['hello', 'gap', 'heartbeat', 'pong'])

function makeClient (id, transport, rng) {
  return {
    id,
    transport,
    rng,
    cursor: 0,
    received: new DeliveryRecord(),
    sessions: 0,
    vanished: { reset: 0, fin: 0, close: 0 },
    errors: [],
    resets: 0,
    take (envelope) {
      this.received.add(envelope)
      if (envelope.seq > this.cursor) this.cursor = envelope.seq
    }
  }
}

// How one session ends: `reset` (RST), `fin` (half-close, then gone) or, for WebSocket,
// `close` (a close frame). Mixed at random.
function pickVanish (client) {
  const ways = client.transport === 'ws' ? ['reset', 'fin', 'close'] : ['reset', 'fin']
  return ways[Math.floor(client.rng() * ways.length)]
}

function vanishSocket (socket, how) {
  if (!socket || socket.destroyed) return
  if (how === 'reset') socket.resetAndDestroy()
  else { socket.end(); setTimeout(() => socket.destroy(), 200).unref() }
}

// The sessions, one per transport. Each resolves when it vanished (after `readMs`, when
// given), when `enough()` says so (checked on each event and every 50 ms; it then just
// closes), or when the server ended it or could not be reached. `client.take` records every
// envelope taken whole; nothing read after the session decided to end counts.
function sseSession (url, client, { readMs, enough }) {
  return new Promise((resolve) => {
    let done = false
    let timer
    const finish = (why) => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearInterval(watch)
      resolve(why)
    }
    const watch = setInterval(() => { if (!done && enough()) { req.destroy(); finish('enough') } }, 50)
    const req = http.get(`${url}/api/events/stream`, { headers: { accept: 'text/event-stream', 'last-event-id': String(client.cursor) }, agent: false }, (res) => {
      if (res.statusCode !== 200) { client.errors.push(`sse ${res.statusCode}`); res.resume(); return finish('refused') }
      const parse = createSseParser((frame) => {
        if (done) return
        if (frame.event === 'reset') { client.resets++; client.errors.push('sse reset'); return }
        if (frame.id === undefined || frame.data === undefined || CONTROL.has(frame.event)) return
        client.take(JSON.parse(frame.data))
        if (enough()) { req.destroy(); finish('enough') }
      })
      res.setEncoding('utf8')
      res.on('data', parse)
      res.on('end', () => finish('ended'))
      res.on('error', () => finish('error'))
      res.on('close', () => finish('closed'))
    })
    req.on('error', () => finish('error'))
    if (readMs !== undefined) {
      timer = setTimeout(() => {
        if (done) return
        const how = pickVanish(client)
        client.vanished[how]++
        finish('vanished')  // nothing read after the decision counts
        if (req.socket) vanishSocket(req.socket, how)
        else req.destroy()  // not even connected yet: just gone
      }, readMs)
    }
  })
}

function wsSession (url, client, { readMs, enough }) {
  return new Promise((resolve) => {
    let done = false
    let timer
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws?after=${client.cursor}`)
    const finish = (why) => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearInterval(watch)
      resolve(why)
    }
    const watch = setInterval(() => { if (!done && enough()) { socket.terminate(); finish('enough') } }, 50)
    socket.on('message', (raw) => {
      if (done) return
      const message = JSON.parse(raw.toString('utf8'))
      if (message.type === 'reset') { client.resets++; client.errors.push('ws reset'); return }
      if (typeof message.seq !== 'number' || !message.ts || CONTROL.has(message.type)) return
      client.take(message)
      if (enough()) { socket.close(1000); finish('enough') }
    })
    socket.on('unexpected-response', (req, res) => { client.errors.push(`ws ${res.statusCode}`); req.destroy(); finish('refused') })
    socket.on('error', () => finish('error'))
    socket.on('close', () => finish('closed'))
    if (readMs !== undefined) {
      timer = setTimeout(() => {
        if (done) return
        const how = pickVanish(client)
        client.vanished[how]++
        finish('vanished')
        if (how === 'close') socket.close(1000)
        else if (socket._socket) vanishSocket(socket._socket, how)
        else socket.terminate()
      }, readMs)
    }
  })
}

// Long-poll: back-to-back GET /api/events?after=cursor&wait=2 until the read time is over; the
// request in flight then vanishes (reset or FIN) while the server holds it.
function longPollSession (url, client, { readMs, enough }) {
  return new Promise((resolve) => {
    const ends = readMs === undefined ? Infinity : Date.now() + readMs
    let current = null
    let done = false
    const finish = (why) => { if (!done) { done = true; clearInterval(watch); resolve(why) } }
    const watch = setInterval(() => { if (!done && enough()) { if (current) current.destroy(); finish('enough') } }, 50)
    const poll = () => {
      if (done) return
      if (enough()) return finish('enough')
      const req = http.get(`${url}/api/events?after=${client.cursor}&wait=2&limit=500`, { agent: false }, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          if (done) return
          const text = Buffer.concat(chunks).toString('utf8')
          if (res.statusCode === 410) { client.resets++; client.errors.push('longpoll 410'); return finish('reset') }
          if (res.statusCode !== 200) { client.errors.push(`longpoll ${res.statusCode}`); return finish('refused') }
          for (const e of JSON.parse(text).events) client.take(e)
          poll()
        })
        res.on('error', () => finish('error'))
      })
      req.on('error', () => finish('error'))
      current = req
    }
    poll()
    if (ends !== Infinity) {
      setTimeout(() => {
        if (done) return
        const how = pickVanish(client)
        client.vanished[how]++
        finish('vanished')
        vanishSocket(current && current.socket, how)
        if (current && !current.socket) current.destroy()
      }, ends - Date.now())
    }
  })
}

// Plain polling: GET /api/events?after=cursor every `intervalMs`, each on a new connection.
function pollSession (url, client, { readMs, enough, intervalMs = 100 }) {
  return new Promise((resolve) => {
    const ends = readMs === undefined ? Infinity : Date.now() + readMs
    let done = false
    const finish = (why) => { if (!done) { done = true; resolve(why) } }
    const poll = () => {
      if (done) return
      if (enough()) return finish('enough')
      if (Date.now() >= ends) return finish('over')
      const req = http.get(`${url}/api/events?after=${client.cursor}&limit=500`, { agent: false }, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          if (done) return
          if (res.statusCode === 410) { client.resets++; client.errors.push('poll 410'); return finish('reset') }
          if (res.statusCode !== 200) { client.errors.push(`poll ${res.statusCode}`); return finish('refused') }
          const page = JSON.parse(Buffer.concat(chunks).toString('utf8'))
          for (const e of page.events) client.take(e)
          setTimeout(poll, page.events.length === 500 ? 0 : intervalMs)
        })
        res.on('error', () => finish('error'))
      })
      req.on('error', () => finish('error'))
    }
    poll()
  })
}

const SESSIONS = { sse: sseSession, ws: wsSession, longpoll: longPollSession, poll: pollSession }

// Churns until `control.stopping`: sessions of `minReadMs..maxReadMs`, pauses of up to
// `maxPauseMs` between them.
async function churn (url, client, control, { minReadMs = 100, maxReadMs = 1500, maxPauseMs = 300 } = {}) {
  const session = SESSIONS[client.transport]
  while (!control.stopping) {
    client.sessions++
    const readMs = minReadMs + Math.floor(client.rng() * (maxReadMs - minReadMs))
    await session(url(), client, { readMs, enough: () => control.stopping })
    if (!control.stopping) await sleep(Math.floor(client.rng() * maxPauseMs))
  }
}

// The last session: reads until the cursor reaches `fence`, within `timeoutMs`.
async function catchUp (url, client, fence, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  const session = SESSIONS[client.transport]
  while (client.cursor < fence && Date.now() < until) {
    client.sessions++
    await session(url(), client, { enough: () => client.cursor >= fence || Date.now() > until })
    if (client.cursor < fence) await sleep(50)
  }
  return client.cursor >= fence
}

// A small seeded generator so a failing run can be replayed with the same seed.
function mulberry32 (seed) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

module.exports = { makeClient, churn, catchUp, mulberry32, SESSIONS }
