'use strict'
// GET /api/events/stream: the SSE transport. Headers proxies need, retry and hello on
// open, one frame per event, heartbeat, Last-Event-ID resume with nothing lost or
// repeated, filters, the Origin allowlist, and a client that stops reading being dropped.
const test = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, request, createJob, openSse, emitMany, createSseParser, sleep } = require('./support')

let srv
test.before(async () => {
  srv = await startJobwired({ args: ['--heartbeat-ms', '300', '--allow-origin', 'http://app.example'] })
})
test.after(() => srv && srv.stop())

async function head () { return (await get(srv, '/healthz')).json.seq }

// n events carrying `blob`, 50 requests at a time; resolves their seqs in order of i.
async function emitBlobs (server, first, n, blob) {
  const seqs = []
  for (let i = 0; i < n; i += 50) {
    seqs.push(...await Promise.all(Array.from({ length: 50 }, (_, k) =>
      post(server, '/api/events', { type: 'x.bulk', data: { i: first + i + k, blob } }).then((r) => r.json.seq))))
  }
  return seqs
}

test('the stream opens with no-cache, X-Accel-Buffering: no, retry and a hello with seq, oldest and epoch', async (t) => {
  const sse = await openSse(srv)
  t.after(() => sse.close())
  assert.equal(sse.status, 200)
  assert.match(sse.headers['content-type'], /^text\/event-stream/)
  assert.equal(sse.headers['cache-control'], 'no-cache')
  assert.equal(sse.headers['x-accel-buffering'], 'no')
  await sse.waitForFrame((f) => f.event === 'hello')
  assert.equal(sse.frames[0].retry, '2000')
  const hello = JSON.parse(sse.frames.find((f) => f.event === 'hello').data)
  assert.equal(hello.type, 'hello')
  assert.equal(hello.seq, await head())
  assert.equal(typeof hello.oldest, 'number')
  assert.match(hello.epoch, /\S+/)
})

test('each event arrives as id: seq, event: type, data: the envelope, in order', async (t) => {
  const sse = await openSse(srv)
  t.after(() => sse.close())
  await sse.waitForFrame((f) => f.event === 'hello')
  const job = await createJob(srv)
  await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  await post(srv, `/api/jobs/${job.id}/logs`, { lines: ['hello'] })
  await sse.waitFor(3)
  const frames = sse.frames.filter((f) => f.id !== undefined)
  assert.deepEqual(frames.map((f) => f.event), ['job.created', 'job.status', 'job.log'])
  for (const f of frames) assert.equal(Number(f.id), JSON.parse(f.data).seq)
  assert.deepEqual(sse.events[2].data, { offset: 0, lines: ['hello'] })
})

test('a heartbeat comment `: hb` arrives while nothing happens', async (t) => {
  const sse = await openSse(srv)
  t.after(() => sse.close())
  await sse.waitForFrame((f) => f.comment === 'hb', 3000)
})

test('an SSE client killed and resumed with Last-Event-ID gets exactly what it missed', async (t) => {
  const start = await head()
  const first = await openSse(srv, '/api/events/stream', { headers: { 'last-event-id': String(start) } })
  const before = await emitMany(srv, 30)
  await first.waitFor(30)
  first.close()
  const lastSeen = first.events[first.events.length - 1].seq
  const missed = await emitMany(srv, 40)
  const second = await openSse(srv, '/api/events/stream', { headers: { 'last-event-id': String(lastSeen) } })
  t.after(() => second.close())
  const after = await emitMany(srv, 10)
  // A fence: once it arrives, everything before it in the log has (streams keep seq order),
  // so nothing can still be on its way when the lists are compared.
  const [fence] = await emitMany(srv, 1)
  await second.waitFor(51)
  const all = [...first.events, ...second.events].map((e) => e.seq)
  assert.deepEqual(all, [...before, ...missed, ...after, fence].sort((a, b) => a - b))
  assert.equal(new Set(all).size, all.length, 'nothing repeated')
})

test('?after= resumes too (for EventSource without Last-Event-ID) and filters apply to the stream', async (t) => {
  const job = await createJob(srv, { project: 'sse-filter' })
  const start = await head()
  await emitMany(srv, 5)
  const mine = await post(srv, '/api/events', { type: 'x.mine', job: job.id, data: {} })
  const filtered = await openSse(srv, `/api/events/stream?after=${start}&job=${job.id}`)
  t.after(() => filtered.close())
  const typed = await openSse(srv, `/api/events/stream?after=${start}&types=x.mine`)
  t.after(() => typed.close())
  // The fence matches both filters: once it arrives, nothing else can still be on its way.
  await emitMany(srv, 5)
  const fence = await post(srv, '/api/events', { type: 'x.mine', job: job.id, data: { fence: true } })
  await filtered.waitFor(2)
  await typed.waitFor(2)
  assert.deepEqual(filtered.events.map((e) => e.seq), [mine.json.seq, fence.json.seq])
  assert.deepEqual(typed.events.map((e) => e.seq), [mine.json.seq, fence.json.seq])
})

test('a stream from a foreign Origin is 403; an allowed origin gets CORS (preflight too); no Origin passes', async (t) => {
  const foreign = await get(srv, '/api/events/stream', { headers: { origin: 'http://evil.example' } })
  assert.equal(foreign.status, 403)
  assert.equal(foreign.json.error.code, 'forbidden')
  const allowed = await openSse(srv, '/api/events/stream', { headers: { origin: 'http://app.example' } })
  t.after(() => allowed.close())
  assert.equal(allowed.status, 200)
  assert.equal(allowed.headers['access-control-allow-origin'], 'http://app.example')
  const same = await openSse(srv, '/api/events/stream', { headers: { origin: srv.url } })
  t.after(() => same.close())
  assert.equal(same.status, 200)
  const preflight = await request(srv, 'OPTIONS', '/api/jobs', {
    token: null, headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' }
  })
  assert.equal(preflight.status, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], 'http://app.example')
  assert.match(preflight.headers['access-control-allow-headers'], /Authorization/)
  const cors = await get(srv, '/api/jobs', { headers: { origin: 'http://app.example' } })
  assert.equal(cors.headers['access-control-allow-origin'], 'http://app.example')
  assert.match(cors.headers['access-control-expose-headers'], /ETag/)
  const badCursor = await get(srv, '/api/events/stream', { headers: { 'last-event-id': 'abc' } })
  assert.equal(badCursor.status, 400)
})

test('a client that stops reading is dropped and resumes from its cursor with nothing lost', async (t) => {
  // A small buffer bound, and a stall limit of 1 s.
  const small = await startJobwired({ args: ['--max-write-buffer-bytes', '262144', '--stall-timeout-ms', '1000'] })
  t.after(() => small.stop())
  const start = (await get(small, '/healthz')).json.seq
  // A raw socket that sends its request and then reads nothing.
  const socket = net.connect(small.port, '127.0.0.1')
  await new Promise((resolve) => socket.on('connect', resolve))
  socket.pause()
  socket.write(`GET /api/events/stream?after=${start} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  const blob = 'z'.repeat(4000)
  const total = 4000
  const seqs = []
  const dropped = async () => /^jobwire_dropped_clients_total 1$/m.test((await get(small, '/metrics')).body)
  for (let i = 0; i < total && !(await dropped()); i += 500) {
    seqs.push(...await emitBlobs(small, i, 500, blob))
  }
  for (let i = 0; i < 50 && !(await dropped()); i++) await sleep(100)
  assert.ok(await dropped(), 'the server dropped the client that stopped reading')
  // Read what did arrive before the drop, then resume from the last whole event.
  const received = []
  const parse = createSseParser((f) => { if (f.id !== undefined) received.push(JSON.parse(f.data).seq) })
  socket.setEncoding('utf8')
  socket.on('data', (chunk) => parse(chunk.replace(/^HTTP[\s\S]*?\r\n\r\n/, '')))
  await new Promise((resolve) => { socket.on('close', resolve); socket.on('error', resolve); socket.resume() })
  assert.ok(received.length < seqs.length, 'the stream was cut')
  const resumed = await openSse(small, '/api/events/stream', {
    headers: { 'last-event-id': String(received.length ? received[received.length - 1] : start) }
  })
  t.after(() => resumed.close())
  await resumed.waitFor(seqs.length - received.length, 20_000)
  const all = [...received, ...resumed.events.map((e) => e.seq)]
  assert.deepEqual(all, [...seqs].sort((a, b) => a - b))
})
