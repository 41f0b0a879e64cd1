'use strict'
// GET /ws: hello, the same envelopes as every transport, client resume and ping, resume
// after being killed with nothing lost or repeated, filters, and the handshake's refusals.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob, openWs, emitMany, sleep } = require('./support')

let srv
test.before(async () => {
  srv = await startJobwired({ args: ['--heartbeat-ms', '300', '--allow-origin', 'http://app.example'] })
})
test.after(() => srv && srv.stop())

async function head () { return (await get(srv, '/healthz')).json.seq }

test('the socket opens with hello {seq, oldest, epoch}, then carries each event envelope in order', async (t) => {
  const ws = await openWs(srv)
  t.after(() => ws.close())
  await ws.waitForMessage((m) => m.type === 'hello')
  const hello = ws.messages[0]
  assert.equal(hello.type, 'hello')
  assert.equal(hello.seq, await head())
  assert.equal(typeof hello.oldest, 'number')
  assert.match(hello.epoch, /\S+/)
  const job = await createJob(srv)
  await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  await ws.waitFor(2)
  assert.deepEqual(ws.events.map((e) => e.type), ['job.created', 'job.status'])
  const polled = await get(srv, `/api/events?after=${hello.seq}`)
  assert.deepEqual(ws.events, polled.json.events, 'the same envelopes as polling')
})

test('ping is answered with pong; an unknown message with an error message; the socket stays open', async (t) => {
  const ws = await openWs(srv)
  t.after(() => ws.close())
  ws.send({ type: 'ping' })
  await ws.waitForMessage((m) => m.type === 'pong')
  ws.socket.send('not json')
  await ws.waitForMessage((m) => m.type === 'error' && m.code === 'invalid_argument')
  ws.send({ type: 'ping' })
  await ws.waitForMessage((m) => m.type === 'pong' && ws.messages.filter((x) => x.type === 'pong').length === 2)
})

test('a heartbeat message arrives while nothing happens', async (t) => {
  const ws = await openWs(srv)
  t.after(() => ws.close())
  await ws.waitForMessage((m) => m.type === 'heartbeat', 3000)
})

test('{"type":"resume","after":N} replays exactly the events after N, then continues live', async (t) => {
  const start = await head()
  // In seq order: requests sent 8 at a time may commit in another order than they were sent
  // (on two loop threads they often do).
  const past = (await emitMany(srv, 20)).sort((a, b) => a - b)
  const ws = await openWs(srv)
  t.after(() => ws.close())
  await ws.waitForMessage((m) => m.type === 'hello')
  ws.send({ type: 'resume', after: past[9] })
  await ws.waitFor(10)
  const live = await emitMany(srv, 5)
  // A fence: once it arrives, everything before it has (the socket keeps seq order).
  const [fence] = await emitMany(srv, 1)
  await ws.waitFor(16)
  assert.deepEqual(ws.events.map((e) => e.seq), [...past.slice(10), ...live, fence].sort((a, b) => a - b))
  assert.ok(start < past[0])
})

test('a WebSocket client killed and resumed gets exactly what it missed', async (t) => {
  const start = await head()
  const first = await openWs(srv, `/ws?after=${start}`)
  const before = await emitMany(srv, 30)
  await first.waitFor(30)
  first.close()
  const lastSeen = first.events[first.events.length - 1].seq
  const missed = await emitMany(srv, 40)
  const second = await openWs(srv)
  t.after(() => second.close())
  await second.waitForMessage((m) => m.type === 'hello')
  second.send({ type: 'resume', after: lastSeen })
  const after = await emitMany(srv, 10)
  const [fence] = await emitMany(srv, 1)
  await second.waitFor(51)
  const all = [...first.events, ...second.events].map((e) => e.seq)
  assert.deepEqual(all, [...before, ...missed, ...after, fence].sort((a, b) => a - b))
  assert.equal(new Set(all).size, all.length, 'nothing repeated')
})

test('filters in the URL apply to the socket', async (t) => {
  const job = await createJob(srv, { project: 'ws-filter' })
  const ws = await openWs(srv, `/ws?job=${job.id}&types=job.status`)
  t.after(() => ws.close())
  await ws.waitForMessage((m) => m.type === 'hello')
  await emitMany(srv, 3)
  const mine = await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  // The fence matches the filter: once it arrives, nothing else can still be on its way.
  await emitMany(srv, 3)
  const fence = await post(srv, `/api/jobs/${job.id}/status`, { status: 'completed' })
  await ws.waitFor(2)
  assert.deepEqual(ws.events.map((e) => e.seq), [mine.json.seq, fence.json.seq])
})

test('the handshake refuses a foreign Origin (403) and a plain GET (400); an allowed Origin opens', async (t) => {
  await assert.rejects(openWs(srv, '/ws', { headers: { origin: 'http://evil.example' } }), (err) => err.status === 403)
  const plain = await get(srv, '/ws')
  assert.equal(plain.status, 400)
  const allowed = await openWs(srv, '/ws', { headers: { origin: 'http://app.example' } })
  t.after(() => allowed.close())
  await allowed.waitForMessage((m) => m.type === 'hello')
})

test('the server closes sockets with 1001 when it stops', async () => {
  const own = await startJobwired()
  const ws = await openWs(own)
  await ws.waitForMessage((m) => m.type === 'hello')
  const exit = await own.stop()
  assert.equal(exit.code, 0)
  for (let i = 0; i < 50 && ws.closed === null; i++) await sleep(20)
  assert.equal(ws.closed, 1001)
})
