'use strict'
// Malformed and hostile input over raw sockets: each gets the right 4xx (or 503) with the
// error JSON, and a client streaming meanwhile keeps being served.
const test = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const { startJobwired } = require('../helpers/jobwired')
const { get, rawExchange, statusOf, openSse, emitMany, sleep } = require('./support')

let srv
let bystander
test.before(async () => {
  srv = await startJobwired({ args: ['--request-timeout-ms', '500', '--max-connections', '40'] })
  // A well-behaved SSE client that must keep receiving through every test here.
  bystander = await openSse(srv)
})
test.after(async () => {
  if (bystander) bystander.close()
  if (srv) await srv.stop()
})

function errorBody (raw) {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4)
  return JSON.parse(body).error
}

async function bystanderStillServed () {
  const had = bystander.events.length
  await emitMany(srv, 3)
  await bystander.waitFor(had + 3, 5000)
}

test('a bad request line is 400 with the error JSON, and the connection is closed', async () => {
  const raw = await rawExchange(srv, 'THIS IS NOT HTTP\r\n\r\n')
  assert.equal(statusOf(raw), 400)
  assert.equal(errorBody(raw).code, 'invalid_argument')
  assert.match(raw, /Connection: close/)
  await bystanderStillServed()
})

test('headers over 16 KiB, or over 100 of them, are 431', async () => {
  const big = await rawExchange(srv, `GET /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  assert.equal(statusOf(big), 431)
  assert.equal(errorBody(big).code, 'headers_too_large')
  const many = Array.from({ length: 120 }, (_, i) => `X-H${i}: v`).join('\r\n')
  const count = await rawExchange(srv, `GET /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n${many}\r\n\r\n`)
  assert.equal(statusOf(count), 431)
  const longUrl = await rawExchange(srv, `GET /api/jobs?q=${'b'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  assert.equal(statusOf(longUrl), 431)
  await bystanderStillServed()
})

test('bad chunked encoding is 400; good chunked encoding is accepted', async () => {
  const bad = await rawExchange(srv,
    `POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n`)
  assert.equal(statusOf(bad), 400)
  const body = '{"type":"x.chunked","data":{"ok":true}}'
  const good = await rawExchange(srv,
    `POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n` +
    `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)}\r\n${body.slice(10)}\r\n0\r\n\r\n`)
  assert.equal(statusOf(good), 201)
  await bystanderStillServed()
})

test('a Content-Length over 1 MiB is refused with 413 before the body is sent', async () => {
  const raw = await rawExchange(srv,
    `POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n{`)
  assert.equal(statusOf(raw), 413)
  assert.equal(errorBody(raw).code, 'too_large')
})

test('a request that does not arrive whole in time is 408', async () => {
  const raw = await rawExchange(srv, 'GET /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n', { waitMs: 3000 })
  assert.equal(statusOf(raw), 408)
  assert.equal(errorBody(raw).code, 'timeout')
  await bystanderStillServed()
})

test('a malformed percent-escape in the target is 400', async () => {
  const raw = await rawExchange(srv, 'GET /api/jobs?status=%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  assert.equal(statusOf(raw), 400)
})

test('pipelined requests on one connection are answered in order', async () => {
  const raw = await rawExchange(srv,
    'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/jobs/j_nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/config/polling HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]))
  assert.deepEqual(statuses, [200, 404, 200])
})

test('past the connection cap new connections get 503 and open ones keep working', async (t) => {
  const held = []
  t.after(() => held.forEach((s) => s.destroy()))
  // A keep-alive connection opened before the cap is reached.
  const early = net.connect(srv.port, '127.0.0.1')
  held.push(early)
  await new Promise((resolve) => early.once('connect', resolve))
  // Fill the cap with idle connections (the bystander holds one already).
  for (let i = 0; i < 45; i++) {
    const s = net.connect(srv.port, '127.0.0.1')
    s.on('error', () => {})
    held.push(s)
    await new Promise((resolve) => s.once('connect', resolve))
  }
  const raw = await rawExchange(srv, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  assert.equal(statusOf(raw), 503)
  assert.equal(errorBody(raw).code, 'unavailable')
  const answer = new Promise((resolve) => { early.setEncoding('latin1'); early.once('data', resolve) })
  early.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  assert.equal(statusOf(await answer), 200)
  held.forEach((s) => s.destroy())
  await sleep(200)
  assert.equal((await get(srv, '/healthz')).status, 200)
  await bystanderStillServed()
})
