'use strict'
// Small clients for the HTTP tests: JSON requests, a raw socket, an SSE reader and a
// WebSocket (the `ws` package) that collects envelopes. Everything talks to a real jobwired.
const http = require('node:http')
const net = require('node:net')
const WebSocket = require('ws')

// A request with the token unless `token: null`; resolves {status, headers, body, json}.
function request (srv, method, path, { body, token = srv.token, headers = {}, raw } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers }
    if (token) h.authorization = `Bearer ${token}`
    let payload = raw
    if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body))
      h['content-type'] = 'application/json'
    }
    if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload)
    const req = http.request(`${srv.url}${path}`, { method, headers: h, agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json
        try { json = text ? JSON.parse(text) : undefined } catch { json = undefined }
        resolve({ status: res.statusCode, headers: res.headers, body: text, buffer: Buffer.concat(chunks), json })
      })
    })
    req.on('error', reject)
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path} timed out`)))
    if (payload !== undefined) req.write(payload)
    req.end()
  })
}

const get = (srv, path, opts) => request(srv, 'GET', path, opts)
const post = (srv, path, body, opts = {}) => request(srv, 'POST', path, { ...opts, body })

async function createJob (srv, fields = {}) {
  const res = await post(srv, '/api/jobs', { type: 'build', ...fields })
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.body}`)
  return res.json
}

// Sends raw bytes on a fresh socket; resolves everything the server sent before closing
// (or after `waitMs` of silence once something arrived).
function rawExchange (srv, bytes, { waitMs = 3000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1')
    let data = ''
    let timer
    const done = () => { clearTimeout(timer); socket.destroy(); resolve(data) }
    socket.setEncoding('latin1')
    socket.on('data', (chunk) => {
      data += chunk
      clearTimeout(timer)
      timer = setTimeout(done, 300)
    })
    socket.on('end', done)
    socket.on('close', done)
    socket.on('error', (err) => (err.code === 'ECONNRESET' ? done() : reject(err)))
    socket.on('connect', () => { if (bytes) socket.write(bytes) })
    timer = setTimeout(done, waitMs)
  })
}

function statusOf (rawResponse) {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(rawResponse)
  return match ? Number(match[1]) : null
}

// Parses an SSE stream into frames {id, event, data, comment}.
function createSseParser (onFrame) {
  let buffer = ''
  return (chunk) => {
    buffer += chunk
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const frame = {}
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) { frame.comment = line.slice(1).trim(); continue }
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`
        else frame[field] = value
      }
      onFrame(frame)
    }
  }
}

// An SSE client: `events` holds the parsed envelopes (event frames with an id), `frames`
// every frame. waitFor(n) resolves once n envelopes arrived.
function openSse (srv, path = '/api/events/stream', { headers = {}, token = null } = {}) {
  return new Promise((resolve, reject) => {
    const h = { accept: 'text/event-stream', ...headers }
    if (token) h.authorization = `Bearer ${token}`
    const req = http.get(`${srv.url}${path}`, { headers: h, agent: false }, (res) => {
      const client = {
        res,
        status: res.statusCode,
        headers: res.headers,
        frames: [],
        events: [],
        ended: false,
        waiters: [],
        close () { req.destroy() },
        waitFor (n, timeoutMs = 10_000) {
          return waitUntil(() => client.events.length >= n, timeoutMs, () => `${client.events.length}/${n} SSE events`, client)
        },
        waitForFrame (pred, timeoutMs = 10_000) {
          return waitUntil(() => client.frames.some(pred), timeoutMs, () => 'an SSE frame', client)
        }
      }
      const parse = createSseParser((frame) => {
        client.frames.push(frame)
        if (frame.id !== undefined && frame.data !== undefined) client.events.push(JSON.parse(frame.data))
        client.waiters.forEach((w) => w())
      })
      res.setEncoding('utf8')
      res.on('data', parse)
      res.on('end', () => { client.ended = true; client.waiters.forEach((w) => w()) })
      res.on('error', () => {})
      resolve(client)
    })
    // Before the response this rejects; after it, the stream just ends.
    req.on('error', reject)
  })
}

function waitUntil (check, timeoutMs, describe, holder) {
  return new Promise((resolve, reject) => {
    if (check()) return resolve()
    const timer = setTimeout(() => {
      holder.waiters = holder.waiters.filter((w) => w !== waiter)
      reject(new Error(`timed out waiting for ${describe()}`))
    }, timeoutMs)
    const waiter = () => {
      if (!check()) return
      clearTimeout(timer)
      holder.waiters = holder.waiters.filter((w) => w !== waiter)
      resolve()
    }
    holder.waiters.push(waiter)
  })
}

// A WebSocket client: `messages` holds every parsed message, `events` the envelopes (those
// with a seq and a job-or-x type). waitFor(n) resolves once n envelopes arrived.
function openWs (srv, path = '/ws', { headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${srv.url.replace('http', 'ws')}${path}`, { headers })
    const client = {
      socket,
      messages: [],
      events: [],
      waiters: [],
      closed: null,
      send (obj) { socket.send(JSON.stringify(obj)) },
      close () { socket.terminate() },
      waitFor (n, timeoutMs = 10_000) {
        return waitUntil(() => client.events.length >= n, timeoutMs, () => `${client.events.length}/${n} WebSocket events`, client)
      },
      waitForMessage (pred, timeoutMs = 10_000) {
        return waitUntil(() => client.messages.some(pred), timeoutMs, () => 'a WebSocket message', client)
      }
    }
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString('utf8'))
      client.messages.push(message)
      if (typeof message.seq === 'number' && message.ts) client.events.push(message)
      client.waiters.forEach((w) => w())
    })
    let opened = false
    socket.on('close', (code) => {
      client.closed = code
      client.waiters.forEach((w) => w())
      if (!opened) reject(new Error(`WebSocket closed before opening (${code})`))
    })
    socket.on('open', () => { opened = true; resolve(client) })
    socket.on('unexpected-response', (req, res) => {
      reject(Object.assign(new Error(`WebSocket refused: ${res.statusCode}`), { status: res.statusCode }))
      req.destroy()
    })
    socket.on('error', (err) => { if (!opened) reject(err) })
  })
}

// Emits n custom events through the write API, `concurrency` at a time; resolves their seqs.
async function emitMany (srv, n, { type = 'x.tick', job, concurrency = 8 } = {}) {
  const seqs = new Array(n)
  let next = 0
  async function worker () {
    while (next < n) {
      const i = next++
      const res = await post(srv, '/api/events', { type, job, data: { i } })
      if (res.status !== 201) throw new Error(`emit failed: ${res.status} ${res.body}`)
      seqs[i] = res.json.seq
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return seqs
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

module.exports = { request, get, post, createJob, rawExchange, statusOf, openSse, openWs, emitMany, createSseParser, sleep }
