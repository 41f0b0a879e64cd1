'use strict'
// Idempotency-Key on the write API: a retry commits once and gets the first answer again,
// also across a kill -9 of jobwired; the key with another body is 409 conflict; keys are
// forgotten by count and by age (--idempotency-key-count, --idempotency-key-ms).
const test = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const { startJobwired } = require('../helpers/jobwired')
const { get, request, createJob, sleep } = require('./support')

const keyed = (key) => ({ headers: { 'idempotency-key': key } })
const write = (srv, method, path, body, key) => request(srv, method, path, { body, ...(key === undefined ? {} : keyed(key)) })

async function head (srv) {
  return (await get(srv, '/healthz')).json.head_seq
}

async function logLines (srv, id) {
  return (await get(srv, `/api/jobs/${id}/logs?limit=10000`)).json.lines
}

test('the same key and body twice: one commit, the same status and body, marked Idempotent-Replayed', async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  await write(srv, 'POST', `/api/jobs/${job.id}/status`, { status: 'running' })
  const routes = [
    ['POST', '/api/jobs', { type: 'build', id: 'keyed-1' }, 201],
    ['POST', `/api/jobs/${job.id}/progress`, { progress: 30 }, 200],
    ['POST', `/api/jobs/${job.id}/logs`, { lines: ['step 1'] }, 201],
    ['POST', `/api/jobs/${job.id}/files`, { path: 'out/a.txt', change: 'created' }, 201],
    ['PATCH', `/api/jobs/${job.id}`, { summary: { steps: 3 } }, 200],
    ['POST', '/api/events', { type: 'x.note', job: job.id, data: { n: 1 } }, 201],
    ['POST', `/api/jobs/${job.id}/status`, { status: 'completed' }, 200]
  ]
  for (const [method, path, body, status] of routes) {
    const key = `key ${method} ${path}`
    const first = await write(srv, method, path, body, key)
    assert.equal(first.status, status, `${method} ${path}: ${first.body}`)
    assert.equal(first.headers['idempotent-replayed'], undefined)
    const headAfterFirst = await head(srv)
    const again = await write(srv, method, path, body, key)
    assert.equal(again.status, status, `${method} ${path} retried`)
    assert.equal(again.body, first.body, `${method} ${path}: the first answer, byte for byte`)
    assert.equal(again.headers['idempotent-replayed'], 'true')
    assert.equal(await head(srv), headAfterFirst, `${method} ${path}: nothing new committed`)
  }
  assert.deepEqual(await logLines(srv, job.id), ['step 1'])
})

test('the same key with another body or route is 409 conflict, and nothing is written', async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  await write(srv, 'POST', `/api/jobs/${job.id}/status`, { status: 'running' })
  assert.equal((await write(srv, 'POST', `/api/jobs/${job.id}/logs`, { lines: ['a'] }, 'k1')).status, 201)
  const before = await head(srv)
  const otherBody = await write(srv, 'POST', `/api/jobs/${job.id}/logs`, { lines: ['b'] }, 'k1')
  assert.equal(otherBody.status, 409)
  assert.equal(otherBody.json.error.code, 'conflict')
  const otherRoute = await write(srv, 'POST', `/api/jobs/${job.id}/progress`, { progress: 5 }, 'k1')
  assert.equal(otherRoute.status, 409)
  assert.equal(otherRoute.json.error.code, 'conflict')
  assert.equal(await head(srv), before)
  assert.deepEqual(await logLines(srv, job.id), ['a'])
})

test('a malformed key is 400 invalid_argument and writes nothing; a refused write keeps no key', async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  const before = await head(srv)
  for (const key of ['', 'k'.repeat(201)]) {
    const res = await write(srv, 'POST', `/api/jobs/${job.id}/status`, { status: 'running' }, key)
    assert.equal(res.status, 400, `key of ${key.length} bytes`)
    assert.equal(res.json.error.code, 'invalid_argument')
    assert.match(res.json.error.message, /idempotency key/)
  }
  assert.equal(await head(srv), before)
  // Refused (pending → completed is not a transition): the key stays free for the same request.
  const refused = await write(srv, 'POST', `/api/jobs/${job.id}/status`, { status: 'completed' }, 'finish')
  assert.equal(refused.status, 409)
  assert.equal(refused.json.error.code, 'invalid_transition')
  await write(srv, 'POST', `/api/jobs/${job.id}/status`, { status: 'running' })
  const done = await write(srv, 'POST', `/api/jobs/${job.id}/status`, { status: 'completed' }, 'finish')
  assert.equal(done.status, 200)
  assert.equal(done.headers['idempotent-replayed'], undefined)
  assert.equal((await write(srv, 'POST', '/api/jobs', { type: 'build' }, 'k'.repeat(200))).status, 201, 'a 200-byte key is taken')
})

// Sends a keyed write and closes the socket without reading the answer: to the producer it
// is a write that got no answer. Resolves once the write's line is in the log.
async function writeUnanswered (srv, id, line, key) {
  const body = JSON.stringify({ lines: [line] })
  const socket = net.connect(srv.port, '127.0.0.1')
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.write(`POST /api/jobs/${id}/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\n` +
    `Idempotency-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  for (let i = 0; i < 200 && !(await logLines(srv, id)).includes(line); i++) await sleep(10)
  socket.destroy()
}

test('a write committed but unanswered when jobwired is killed with SIGKILL: its retry commits nothing new', async (t) => {
  let srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  await writeUnanswered(srv, job.id, 'built the thing', 'build-step-1')
  await srv.kill('SIGKILL')
  srv = await srv.restart()
  const retried = await write(srv, 'POST', `/api/jobs/${job.id}/logs`, { lines: ['built the thing'] }, 'build-step-1')
  assert.equal(retried.status, 201)
  assert.equal(retried.headers['idempotent-replayed'], 'true')
  assert.equal(retried.json.job_id, job.id)
  assert.deepEqual(await logLines(srv, job.id), ['built the thing'])
})

test('under write load across a kill -9, retrying every unanswered write with its key commits each exactly once', async (t) => {
  let srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  const WRITERS = 24
  const answered = new Set()
  const started = []
  let killed = false
  const writer = async (w) => {
    for (let i = 0; !killed; i++) {
      const line = `w${w}-${i}`
      started.push(line)
      try {
        const res = await write(srv, 'POST', `/api/jobs/${job.id}/logs`, { lines: [line] }, line)
        if (res.status === 201) answered.add(line)
      } catch { return }  // the server is gone: this write's fate is unknown to its producer
    }
  }
  const running = Array.from({ length: WRITERS }, (_, w) => writer(w))
  while (answered.size < 300) await sleep(5)
  killed = true
  await srv.kill('SIGKILL')
  await Promise.all(running)
  srv = await srv.restart()

  const committedBefore = new Set(await logLines(srv, job.id))
  const unansweredButCommitted = [...committedBefore].filter((line) => !answered.has(line)).length
  // Every write a producer started is retried with its key, answered or not.
  let replayed = 0
  for (const line of started) {
    const res = await write(srv, 'POST', `/api/jobs/${job.id}/logs`, { lines: [line] }, line)
    assert.equal(res.status, 201, res.body)
    if (res.headers['idempotent-replayed'] === 'true') replayed++
  }
  const lines = await logLines(srv, job.id)
  assert.equal(new Set(lines).size, lines.length, 'no line twice')
  assert.deepEqual(new Set(lines), new Set(started), 'every started write committed')
  for (const line of answered) assert.ok(committedBefore.has(line), `${line} was answered, so it was committed`)
  assert.equal(replayed, committedBefore.size, 'each write committed before the kill was answered from its key')
  t.diagnostic(`${answered.size} answered before the kill, ${unansweredButCommitted} committed without an answer, ` +
    `${started.length} retried, ${replayed} replayed`)
})

test('keys are forgotten past --idempotency-key-count and --idempotency-key-ms', async (t) => {
  const byCount = await startJobwired({ args: ['--idempotency-key-count', '2'] })
  t.after(() => byCount.stop())
  const job = await createJob(byCount)
  await write(byCount, 'POST', `/api/jobs/${job.id}/status`, { status: 'running' })
  for (const key of ['a', 'b', 'c']) await write(byCount, 'POST', `/api/jobs/${job.id}/logs`, { lines: [key] }, key)
  const forgotten = await write(byCount, 'POST', `/api/jobs/${job.id}/logs`, { lines: ['a'] }, 'a')
  assert.equal(forgotten.headers['idempotent-replayed'], undefined, 'the oldest key is gone')
  const kept = await write(byCount, 'POST', `/api/jobs/${job.id}/logs`, { lines: ['c'] }, 'c')
  assert.equal(kept.headers['idempotent-replayed'], 'true')

  const byAge = await startJobwired({ args: ['--idempotency-key-ms', '300'] })
  t.after(() => byAge.stop())
  const aged = await createJob(byAge, { id: 'aged' })
  await write(byAge, 'POST', '/api/jobs/aged/status', { status: 'running' })
  await write(byAge, 'POST', '/api/jobs/aged/logs', { lines: ['x'] }, 'old')
  assert.equal((await write(byAge, 'POST', '/api/jobs/aged/logs', { lines: ['x'] }, 'old')).headers['idempotent-replayed'], 'true')
  await sleep(400)
  assert.equal((await write(byAge, 'POST', '/api/jobs/aged/logs', { lines: ['x'] }, 'old')).headers['idempotent-replayed'], undefined)
  assert.deepEqual(await logLines(byAge, aged.id), ['x', 'x'])
})
