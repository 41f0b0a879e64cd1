'use strict'
// Issue 18: readers that stop reading (a sleeping laptop's tab) cost the server their cursor,
// not their backlog. Many raw-socket SSE clients that never read, one normal reader and a
// producer of 1 KB log lines: the stalled streams are closed within the stall timeout, the
// normal reader gets every event in order, /metrics counts the drops, gaps and shed queues,
// the server's memory per stalled reader stays far under the 1.5 MB it used to be, and a
// stalled reader that resumes from its cursor misses nothing. A reader that stalls for a
// while and then reads again is told `gap` and catches up from the log.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const { startJobwired } = require('../helpers/jobwired')
const { get, openSse, createSseParser, sleep } = require('./support')

const STALLED = 150
const STALL_MS = 1000
const LINE = 'l'.repeat(1024)

function rssBytes (pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024
}

async function metric (srv, name) {
  const text = (await get(srv, '/metrics')).body
  const match = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)
  assert.ok(match, `/metrics has ${name}`)
  return Number(match[1])
}

async function until (check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

// A producer over keep-alive connections: n log lines of 1 KB on `job`, 16 at a time.
function producer (srv, job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  const one = () => new Promise((resolve, reject) => {
    const body = JSON.stringify({ lines: [LINE] })
    const req = http.request(`${srv.url}/api/jobs/${job}/logs`, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`log write: ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(body)
  })
  return {
    async write (n) {
      let left = n
      await Promise.all(Array.from({ length: 16 }, async () => { while (left-- > 0) await one() }))
    },
    close () { agent.destroy() }
  }
}

async function runningJob (srv) {
  const res = await new Promise((resolve, reject) => {
    const body = JSON.stringify({ type: 'build' })
    const req = http.request(`${srv.url}/api/jobs`, {
      method: 'POST', headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' }
    }, (r) => { let text = ''; r.on('data', (c) => { text += c }); r.on('end', () => resolve(JSON.parse(text))) })
    req.on('error', reject)
    req.end(body)
  })
  return res.id
}

// A raw socket that asks for the stream after `after` and then reads nothing until resumed.
function stalledReader (srv, after) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1')
    socket.on('error', () => {})
    socket.once('connect', () => {
      socket.pause()
      socket.write(`GET /api/events/stream?after=${after} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

// Starts reading a paused stream socket: its frames are pushed to `frames` as they arrive.
function readFrames (socket, frames) {
  const parse = createSseParser((f) => frames.push(f))
  let head = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk) => {
    if (head === null) return parse(chunk)
    head += chunk
    const end = head.indexOf('\r\n\r\n')
    if (end < 0) return
    parse(head.slice(end + 4))
    head = null
  })
  socket.resume()
}

// Reads everything a paused socket still has coming until it closes: its frames.
function drain (socket) {
  const frames = []
  const closed = new Promise((resolve) => socket.once('close', () => resolve(frames)))
  readFrames(socket, frames)
  return closed
}

const seqsOf = (frames) => frames.filter((f) => f.id !== undefined).map((f) => Number(f.id))
const range = (first, last) => Array.from({ length: last - first + 1 }, (_, i) => first + i)

// One run under the load: a server, a normal reader, `count` stalled readers and ROUNDS of
// 300 log lines. The run with none is the baseline: SQLite's page cache and the frame
// cache grow with what is written, stalled readers or not.
const ROUNDS = 15
async function loadedRun (t, count) {
  const srv = await startJobwired({ args: ['--stall-timeout-ms', String(STALL_MS)] })
  t.after(() => srv.stop())
  const job = await runningJob(srv)
  const start = (await get(srv, '/healthz')).json.seq
  const normal = await openSse(srv, `/api/events/stream?after=${start}`)
  t.after(() => normal.close())
  const stalled = await Promise.all(Array.from({ length: count }, () => stalledReader(srv, start)))
  t.after(() => stalled.forEach((s) => s.destroy()))
  await until(async () => (await metric(srv, 'jobwire_connections{transport="sse"}')) === count + 1, 10_000, 'every stream open')
  const writer = producer(srv, job)
  t.after(() => writer.close())
  let rssPeak = rssBytes(srv.proc.pid)
  for (let round = 0; round < ROUNDS; round++) {
    await writer.write(300)
    rssPeak = Math.max(rssPeak, rssBytes(srv.proc.pid))
  }
  return { srv, start, normal, stalled, rssPeak, wroteLast: Date.now() }
}

test('stalled SSE readers are closed within the stall timeout, cost little, and resume with nothing lost', async (t) => {
  const baseline = await loadedRun(t, 0)
  await baseline.srv.stop()
  const loaded = await loadedRun(t, STALLED)
  const { srv, start, normal, stalled, wroteLast } = loaded
  let rssPeak = loaded.rssPeak
  // The stalled sockets' kernel buffers filled a few thousand events in: they are dropped once
  // they have taken nothing for the stall timeout (the writes may end before it runs out).
  await until(async () => (await metric(srv, 'jobwire_dropped_clients_total')) > 0, STALL_MS + 3000, 'stalled readers to be dropped')
  // Every stalled stream had bytes pending at wroteLast at the latest: closed by the stall
  // timeout after it (slack for the check interval and a loaded machine).
  await until(async () => {
    rssPeak = Math.max(rssPeak, rssBytes(srv.proc.pid))
    return (await metric(srv, 'jobwire_connections{transport="sse"}')) === 1
  }, STALL_MS + 3000, 'the stalled streams to be closed')
  assert.ok(Date.now() - wroteLast <= STALL_MS + 3000)

  const head = (await get(srv, '/healthz')).json.seq
  await normal.waitFor(head - start, 20_000)
  assert.deepEqual(normal.events.map((e) => e.seq), range(start + 1, head), 'the normal reader got every event, in order')

  assert.equal(await metric(srv, 'jobwire_dropped_clients_total'), STALLED)
  // A stream sheds its queue once it has waited a quarter of the stall timeout for its socket.
  assert.ok(await metric(srv, 'jobwire_queue_drops_total') >= STALLED / 2, 'the stalled streams shed their queues')
  assert.ok(await metric(srv, 'jobwire_gaps_total{transport="sse"}') >= STALLED, 'each was told gap as it was closed')
  // What the closed streams held goes with them (after the short grace of their last write).
  await until(async () => (await metric(srv, 'jobwire_stream_held_frames')) <= 128, STALL_MS + 3000, 'held frames released')

  // Before: ~1.5 MB per stalled reader (its own copy of up to 1 MiB of frames, a 10,000
  // event queue). Now a short list of references to shared frames.
  const perReader = Math.max(0, rssPeak - baseline.rssPeak) / STALLED
  t.diagnostic(`RSS per stalled reader: ${Math.round(perReader / 1024)} KiB (peak ${Math.round(rssPeak / 1048576)} MiB, ` +
    `${Math.round(baseline.rssPeak / 1048576)} MiB with none)`)
  assert.ok(perReader < 128 * 1024, `RSS per stalled reader ${Math.round(perReader / 1024)} KiB`)

  // A stalled reader reads what reached it, then resumes from its last whole event.
  for (const socket of stalled.slice(0, 3)) {
    const received = seqsOf(await drain(socket))
    const last = received.length ? received[received.length - 1] : start
    assert.deepEqual(received, range(start + 1, last), 'what arrived before the drop is in order')
    const resumed = await openSse(srv, '/api/events/stream', { headers: { 'last-event-id': String(last) } })
    await resumed.waitFor(head - last, 20_000)
    resumed.close()
    assert.deepEqual(resumed.events.map((e) => e.seq), range(last + 1, head), 'the resumed stream misses nothing')
  }
})

test('a reader that stalls and then reads again is told gap and catches up with nothing missing', async (t) => {
  // A long stall timeout: the reader sheds its queue after a quarter of it, then reads again
  // well before it would be dropped.
  const srv = await startJobwired({ args: ['--stall-timeout-ms', '4000'] })
  t.after(() => srv.stop())
  const job = await runningJob(srv)
  const start = (await get(srv, '/healthz')).json.seq
  const napper = await stalledReader(srv, start)
  t.after(() => napper.destroy())
  await until(async () => (await metric(srv, 'jobwire_connections{transport="sse"}')) === 1, 10_000, 'the stream open')
  const writer = producer(srv, job)
  t.after(() => writer.close())
  // Until its socket's buffers are full and the stream holds what the socket will not take.
  for (let round = 0; round < 60 && (await metric(srv, 'jobwire_stream_held_frames')) === 0; round++) {
    await writer.write(200)
  }
  // Events keep coming while it waits for its socket: after a quarter of the stall timeout
  // (1 s, however fast the writes go) its queue is dropped; they are read from the log once
  // it drains.
  const shedBy = Date.now() + 15_000
  while (Date.now() < shedBy && (await metric(srv, 'jobwire_queue_drops_total')) === 0) {
    await writer.write(50)
    await sleep(50)
  }
  assert.equal(await metric(srv, 'jobwire_queue_drops_total'), 1, 'the waiting stream shed its queue')
  await writer.write(200)
  const head = (await get(srv, '/healthz')).json.seq

  const frames = []
  readFrames(napper, frames)
  await until(() => seqsOf(frames).at(-1) === head, 20_000, 'the reader to catch up')
  assert.ok(frames.some((f) => f.event === 'gap'), 'it was told gap')
  assert.deepEqual(seqsOf(frames), range(start + 1, head), 'every event once, in order, across the gap')
  assert.equal(await metric(srv, 'jobwire_dropped_clients_total'), 0, 'it was not dropped')
})
