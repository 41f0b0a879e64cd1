'use strict'
// Slowloris: clients trickle a request a byte a second, headers or body, to hold connections
// open forever. jobwired's request timeout runs from the request's first byte and is not
// renewed by each byte: every such connection is answered 408 and closed within the timeout
// (2 s here), while other clients are served as usual. (A connection that sends nothing is
// covered by tests/http/malformed.test.js.)
const test = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, statusOf } = require('../http/support')
const { headSeq } = require('./support')

const TIMEOUT_MS = 2000

// Sends `head` at once, then `trickle` one byte a second; resolves when the server closes,
// with what it answered and after how long.
function trickle (port, head, drip) {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    let sent = 0
    let timer
    socket.setEncoding('latin1')
    socket.on('connect', () => {
      socket.write(head)
      timer = setInterval(() => {
        if (socket.destroyed || socket.writableEnded) return
        socket.write(drip[sent++ % drip.length])
      }, 1000)
    })
    socket.on('data', (chunk) => { answer += chunk })
    const done = () => { clearInterval(timer); socket.destroy(); resolve({ answer, ms: Date.now() - started, bytes: sent }) }
    socket.on('close', done)
    socket.on('error', done)
    setTimeout(done, 20_000)  // the test's own bound: far past the server's
  })
}

test('requests trickled a byte a second are answered 408 and closed within the request timeout; others are served meanwhile', { timeout: 60_000 }, async (t) => {
  const srv = await startJobwired({ args: ['--request-timeout-ms', String(TIMEOUT_MS)] })
  t.after(() => srv.stop())
  const before = await headSeq(srv)
  const slow = [
    ...Array.from({ length: 8 }, () => trickle(srv.port, 'GET /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'abcdefghij')),
    ...Array.from({ length: 4 }, () => trickle(srv.port, 'G', 'ET /healthz HTTP/1.1\r\n')),
    ...Array.from({ length: 4 }, () => trickle(srv.port,
      `POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{`,
      '"type":"x.slow","data":{}}               '))
  ]
  // Meanwhile a client reads and writes; each answer comes at once.
  const served = []
  for (let i = 0; i < 10; i++) {
    const started = Date.now()
    assert.equal((await get(srv, '/healthz')).status, 200)
    assert.equal((await post(srv, '/api/events', { type: 'x.normal', data: { i } })).status, 201)
    served.push(Date.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const results = await Promise.all(slow)
  for (const r of results) {
    assert.equal(statusOf(r.answer), 408, `answered ${JSON.stringify(r.answer.slice(0, 80))} after ${r.ms} ms`)
    assert.match(r.answer, /"code":"timeout"/)
    assert.ok(r.ms < TIMEOUT_MS + 1500, `closed after ${r.ms} ms (timeout ${TIMEOUT_MS} ms), ${r.bytes} bytes trickled`)
  }
  assert.ok(Math.max(...served) < TIMEOUT_MS, `others were served meanwhile, not after the slow ones (slowest ${Math.max(...served)} ms)`)
  assert.equal(await headSeq(srv), before + 10, 'only the normal writes committed, none of the trickled ones')
})
