'use strict'
// Wrong, missing, malformed and outdated tokens on every write route, and cross-origin
// streams from origins that only look like this one. Each is refused as DESIGN.md says (401
// unauthorized, 403 forbidden) and nothing is committed. jobwire's token does not expire; the
// nearest thing, a token replaced by restarting with a new one, is refused like any wrong
// token. tests/http/write-api.test.js covers a missing and a wrong token on POST /api/jobs and
// the three ways to send a right one; sse.test.js and websocket.test.js a foreign Origin.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { startJobwired } = require('../helpers/jobwired')
const { get, request, createJob, openWs } = require('../http/support')
const { headSeq } = require('./support')

function writes (jobId) {
  return [
    ['POST', '/api/jobs', { type: 'build' }],
    ['POST', `/api/jobs/${jobId}/status`, { status: 'running' }],
    ['POST', `/api/jobs/${jobId}/progress`, { progress: 10 }],
    ['POST', `/api/jobs/${jobId}/logs`, { lines: ['x'] }],
    ['POST', `/api/jobs/${jobId}/files`, { path: 'a.txt', change: 'created' }],
    ['PATCH', `/api/jobs/${jobId}`, { summary: { a: 1 } }],
    ['POST', '/api/events', { type: 'x.e', data: {} }]
  ]
}

test('every write route refuses a missing, wrong, malformed or replaced token with 401, and commits nothing', async (t) => {
  const oldToken = crypto.randomBytes(16).toString('hex')
  const first = await startJobwired({ token: oldToken })
  const job = await createJob(first)
  // Restarted with a new token: the old one is as good as any wrong one.
  const srv = await first.restart({ token: crypto.randomBytes(16).toString('hex') })
  t.after(() => srv.stop())
  const before = await headSeq(srv)
  const ways = {
    missing: { token: null },
    wrong: { token: 'not-the-token' },
    'the replaced token': { token: oldToken },
    'a prefix of the token': { token: srv.token.slice(0, -1) },
    'the token and more': { token: `${srv.token}x` },
    'Basic auth': { token: null, headers: { authorization: `Basic ${Buffer.from(`u:${srv.token}`).toString('base64')}` } },
    'an empty Bearer': { token: null, headers: { authorization: 'Bearer ' } },
    'a cookie of another name': { token: null, headers: { cookie: `token=${srv.token}; jobwire_token2=${srv.token}` } },
    'a token in another parameter': { token: null, query: `?token=${srv.token}` }
  }
  for (const [method, path, body] of writes(job.id)) {
    for (const [way, opts] of Object.entries(ways)) {
      const res = await request(srv, method, `${path}${opts.query || ''}`, { body, token: opts.token, headers: opts.headers })
      assert.equal(res.status, 401, `${method} ${path} with ${way}: ${res.status} ${res.body}`)
      assert.equal(res.json.error.code, 'unauthorized')
    }
  }
  assert.equal(await headSeq(srv), before, 'nothing committed')
  assert.equal((await get(srv, `/api/jobs/${job.id}`)).json.status, 'pending')
})

test('streams and writes from origins that only look like this one are 403 and commit nothing', async (t) => {
  const srv = await startJobwired({ args: ['--allow-origin', 'http://app.example'] })
  t.after(() => srv.stop())
  const host = `127.0.0.1:${srv.port}`
  const lookalikes = ['null', `http://${host}.evil.example`, `http://evil.example/${host}`, 'http://app.example.evil.example',
    `https://evil.example#${host}`, 'http://APP.example:80', `ws://evil.example`]
  const before = await headSeq(srv)
  for (const origin of lookalikes) {
    const sse = await get(srv, '/api/events/stream', { headers: { origin } })
    assert.equal(sse.status, 403, `SSE from ${origin}`)
    assert.equal(sse.json.error.code, 'forbidden')
    await assert.rejects(openWs(srv, '/ws', { headers: { origin } }), (err) => err.status === 403, `WebSocket from ${origin}`)
    // A cross-origin write carrying the token (a browser sends the jobwire_token cookie along
    // with a form post from any site): refused too.
    const write = await request(srv, 'POST', '/api/events', { body: { type: 'x.csrf', data: {} }, token: null, headers: { origin, cookie: `jobwire_token=${srv.token}` } })
    assert.equal(write.status, 403, `a write from ${origin} with the cookie: ${write.status} ${write.body}`)
  }
  assert.equal(await headSeq(srv), before, 'nothing committed')
  // The allowed origin and this server's own origin still work.
  const ok = await request(srv, 'POST', '/api/events', { body: { type: 'x.ok', data: {} }, token: null, headers: { origin: 'http://app.example', cookie: `jobwire_token=${srv.token}` } })
  assert.equal(ok.status, 201)
  const same = await request(srv, 'POST', '/api/events', { body: { type: 'x.ok', data: {} }, headers: { origin: `http://${host}` } })
  assert.equal(same.status, 201)
})
