#!/usr/bin/env node
'use strict'
// The peer for the HTTP benchmarks: what a user would otherwise write in Node with
// node:http, `ws` and `better-sse`. The same routes the benchmarks hit, with the same
// envelopes, ETag/304 and Last-Event-ID resume; jobs and events live in memory (no
// durability, which only flatters the peer). Each envelope is serialized once and the same
// string is broadcast to every client, as a careful user would.
//
//   node scripts/bench/peers/node-peer.js [--port N]   prints "peer listening on http://…"
const http = require('node:http')
const crypto = require('node:crypto')
const { createSession, createChannel } = require('better-sse')
const { WebSocketServer } = require('ws')

const epoch = crypto.randomBytes(8).toString('hex')
const jobs = new Map()
const log = [] // serialized envelopes, index = seq - 1
const channel = createChannel()
const sockets = new Set()
let seq = 0

function record (type, job, data) {
  seq += 1
  const envelope = JSON.stringify({ seq, type, ts: new Date().toISOString(), job: job ? job.id : null, parent: job ? job.parent : null, project: job ? job.project : 'default', data })
  log.push(envelope)
  if (job) job.updated_seq = seq
  channel.broadcast(envelope, type, { eventId: String(seq) })
  for (const ws of sockets) ws.send(envelope)
  return envelope
}

function readBody (req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => { size += c.length; if (size > 1 << 20) req.destroy(); else chunks.push(c) })
    req.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')) } catch (err) { reject(err) } })
    req.on('error', reject)
  })
}

function send (res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://peer')
  const parts = url.pathname.split('/').filter(Boolean)
  try {
    if (req.method === 'GET' && parts[0] === 'api' && parts[1] === 'jobs' && parts.length === 3) {
      const job = jobs.get(parts[2])
      if (!job) return send(res, 404, { error: { code: 'not_found', message: 'no such job' } })
      const etag = `"${epoch}-${job.updated_seq}"`
      if (req.headers['if-none-match'] === etag) { res.writeHead(304, { etag }); return res.end() }
      return send(res, 200, { ...job, seq: job.updated_seq, epoch }, { etag })
    }
    if (req.method === 'POST' && url.pathname === '/api/jobs') {
      const body = await readBody(req)
      const job = { id: `j_${crypto.randomBytes(8).toString('hex')}`, type: body.type, project: body.project || 'default', parent: body.parent || null, priority: 0, status: 'pending', progress_percent: 0, created_at: new Date().toISOString(), updated_seq: 0 }
      jobs.set(job.id, job)
      record('job.created', job, job)
      return send(res, 201, { ...job, seq: job.updated_seq, epoch })
    }
    if (req.method === 'POST' && url.pathname === '/api/events') {
      const body = await readBody(req)
      return send(res, 201, record(body.type, body.job ? jobs.get(body.job) : null, body.data || {}))
    }
    if (req.method === 'GET' && url.pathname === '/api/events/stream') {
      const session = await createSession(req, res, { serializer: (data) => data, keepAlive: 20_000 })
      const after = Number(req.headers['last-event-id'] || url.searchParams.get('after') || seq)
      for (let s = after + 1; s <= seq; s++) session.push(log[s - 1], JSON.parse(log[s - 1]).type, String(s))
      channel.register(session)
      return
    }
    if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { status: 'ok', seq, epoch })
    send(res, 404, { error: { code: 'not_found', message: 'no route' } })
  } catch (err) {
    send(res, 400, { error: { code: 'invalid_argument', message: String(err.message || err) } })
  }
})

const wss = new WebSocketServer({ server, path: '/ws' })
wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'hello', seq, oldest: 1, epoch }))
  sockets.add(ws)
  ws.on('close', () => sockets.delete(ws))
})

const portFlag = process.argv.indexOf('--port')
server.listen(portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0, '127.0.0.1', () => {
  console.log(`peer listening on http://127.0.0.1:${server.address().port}`)
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0))
