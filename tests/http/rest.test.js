'use strict'
// Snapshot routes of a real jobwired: the documented JSON, ETag and 304, gzip, filters,
// paging, the error JSON, and the small routes (config, health, metrics, /).
const test = require('node:test')
const assert = require('node:assert/strict')
const zlib = require('node:zlib')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, request, createJob, rawExchange, statusOf } = require('./support')

let srv
test.before(async () => { srv = await startJobwired() })
test.after(() => srv && srv.stop())

test('GET /api/jobs/{id} answers the job with its seq, epoch and an ETag of "<epoch>-<seq>"', async () => {
  const job = await createJob(srv, { project: 'alpha', priority: 2 })
  const res = await get(srv, `/api/jobs/${job.id}`)
  assert.equal(res.status, 200)
  assert.equal(res.json.id, job.id)
  assert.equal(res.json.type, 'build')
  assert.equal(res.json.project, 'alpha')
  assert.equal(res.json.priority, 2)
  assert.equal(res.json.status, 'pending')
  assert.equal(res.json.has_logs, false)
  assert.equal(typeof res.json.seq, 'number')
  assert.match(res.json.epoch, /\S+/)
  assert.equal(res.headers.etag, `"${res.json.epoch}-${res.json.seq}"`)
})

test('a matching If-None-Match is answered 304 until the job changes, then 200 with a new ETag', async () => {
  const job = await createJob(srv)
  const first = await get(srv, `/api/jobs/${job.id}`)
  const etag = first.headers.etag
  const again = await get(srv, `/api/jobs/${job.id}`, { headers: { 'if-none-match': etag } })
  assert.equal(again.status, 304)
  assert.equal(again.body, '')
  assert.equal(again.headers.etag, etag)
  // Another job changing does not touch this one's ETag.
  await createJob(srv)
  assert.equal((await get(srv, `/api/jobs/${job.id}`, { headers: { 'if-none-match': etag } })).status, 304)
  await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  const changed = await get(srv, `/api/jobs/${job.id}`, { headers: { 'if-none-match': etag } })
  assert.equal(changed.status, 200)
  assert.notEqual(changed.headers.etag, etag)
  assert.equal(changed.json.status, 'running')
})

test('a job\'s logs and files keep their ETag while other jobs change, and answer 304', async () => {
  const job = await createJob(srv)
  await post(srv, `/api/jobs/${job.id}/logs`, { lines: ['one'] })
  await post(srv, `/api/jobs/${job.id}/files`, { path: 'out/a.txt', change: 'created' })
  const other = await createJob(srv)
  await post(srv, `/api/jobs/${other.id}/progress`, { progress: 10 })
  const etags = {}
  for (const route of ['logs', 'files']) {
    const first = await get(srv, `/api/jobs/${job.id}/${route}`)
    assert.equal(first.status, 200, route)
    // The seq field is the head the page reflects; the ETag is the job's last change.
    assert.equal(first.headers.etag, (await get(srv, `/api/jobs/${job.id}`)).headers.etag, route)
    etags[route] = first.headers.etag
    await post(srv, `/api/jobs/${other.id}/progress`, { progress: 20 })
    const again = await get(srv, `/api/jobs/${job.id}/${route}`, { headers: { 'if-none-match': etags[route] } })
    assert.equal(again.status, 304, route)
  }
  await post(srv, `/api/jobs/${job.id}/logs`, { lines: ['two'] })
  const logs = await get(srv, `/api/jobs/${job.id}/logs`, { headers: { 'if-none-match': etags.logs } })
  assert.equal(logs.status, 200)
  assert.deepEqual(logs.json.lines, ['one', 'two'])
  assert.notEqual(logs.headers.etag, etags.logs)
})

test('after a restart, a client\'s ETags for unchanged jobs still answer 304, and the next ones from memory', async () => {
  let current = await startJobwired()
  try {
    const job = await createJob(current)
    await post(current, `/api/jobs/${job.id}/logs`, { lines: ['kept'] })
    await createJob(current)
    const etags = {}
    for (const route of ['', '/logs', '/files']) etags[route] = (await get(current, `/api/jobs/${job.id}${route}`)).headers.etag
    current = await current.restart()
    // The first round is read from the store, the second answered from what it taught memory.
    for (const round of ['store', 'memory']) {
      for (const route of ['', '/logs', '/files']) {
        const res = await get(current, `/api/jobs/${job.id}${route}`, { headers: { 'if-none-match': etags[route] } })
        assert.equal(res.status, 304, `${round}: ${route || 'job'}`)
      }
    }
    await post(current, `/api/jobs/${job.id}/status`, { status: 'running' })
    const changed = await get(current, `/api/jobs/${job.id}`, { headers: { 'if-none-match': etags[''] } })
    assert.equal(changed.status, 200)
    assert.equal(changed.json.status, 'running')
  } finally {
    await current.stop()
  }
})

test('GET /api/jobs lists with total, offset and seq, filters by status, type and parent, and pages', async () => {
  const own = await startJobwired()
  try {
    const parent = await createJob(own, { type: 'pipeline' })
    const kids = []
    for (let i = 0; i < 3; i++) kids.push(await createJob(own, { type: 'step', parent: parent.id }))
    await post(own, `/api/jobs/${kids[0].id}/status`, { status: 'running' })

    const all = await get(own, '/api/jobs')
    assert.equal(all.status, 200)
    assert.equal(all.json.total, 4)
    assert.equal(all.json.offset, 0)
    assert.equal(all.json.jobs.length, 4)
    assert.equal(all.json.seq, 5)
    assert.equal(all.headers.etag, `"${all.json.epoch}-5"`)

    const running = await get(own, '/api/jobs?status=running')
    assert.deepEqual(running.json.jobs.map((j) => j.id), [kids[0].id])
    const steps = await get(own, '/api/jobs?type=step')
    assert.equal(steps.json.total, 3)
    const children = await get(own, `/api/jobs?parent=${parent.id}`)
    assert.deepEqual(children.json.jobs.map((j) => j.id).sort(), kids.map((k) => k.id).sort())
    const page = await get(own, '/api/jobs?limit=2&offset=2')
    assert.equal(page.json.jobs.length, 2)
    assert.equal(page.json.total, 4)
    assert.equal(page.json.offset, 2)
    const future = await get(own, `/api/jobs?since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)
    assert.equal(future.json.total, 0)

    const notModified = await get(own, '/api/jobs', { headers: { 'if-none-match': all.headers.etag } })
    assert.equal(notModified.status, 304)
    await createJob(own)
    assert.equal((await get(own, '/api/jobs', { headers: { 'if-none-match': all.headers.etag } })).status, 200)
  } finally {
    await own.stop()
  }
})

test('bad list parameters answer 400 invalid_argument with the error JSON', async () => {
  for (const query of ['status=sleeping', 'limit=0', 'limit=5000', 'offset=-1', 'since=yesterday']) {
    const res = await get(srv, `/api/jobs?${query}`)
    assert.equal(res.status, 400, query)
    assert.equal(res.json.error.code, 'invalid_argument', query)
    assert.equal(typeof res.json.error.message, 'string')
  }
})

test('an unknown job is 404 not_found on every job route', async () => {
  for (const path of ['/api/jobs/j_nope', '/api/jobs/j_nope/logs', '/api/jobs/j_nope/files']) {
    const res = await get(srv, path)
    assert.equal(res.status, 404, path)
    assert.equal(res.json.error.code, 'not_found', path)
  }
  const unknown = await get(srv, '/api/nothing-here')
  assert.equal(unknown.status, 404)
  assert.equal(unknown.json.error.code, 'not_found')
})

test('an id no job can have is 400 invalid_argument on every job route, as it is for writes', async () => {
  const long = 'j'.repeat(129)
  for (const id of ['j%20space', long, 'j%27%3B--']) {
    for (const path of [`/api/jobs/${id}`, `/api/jobs/${id}/logs`, `/api/jobs/${id}/files`, `/api/jobs?ids=j_1,${id}`]) {
      const res = await get(srv, path)
      assert.equal(res.status, 400, path)
      assert.equal(res.json.error.code, 'invalid_argument', path)
      assert.match(res.json.error.message, /^id /, path)
    }
  }
})

test('logs page by offset and limit with total_lines and has_more; files list what was registered', async () => {
  const job = await createJob(srv)
  const lines = Array.from({ length: 25 }, (_, i) => `line ${i}`)
  const appended = await post(srv, `/api/jobs/${job.id}/logs`, { lines })
  assert.equal(appended.status, 201)
  const page = await get(srv, `/api/jobs/${job.id}/logs?offset=10&limit=10`)
  assert.equal(page.status, 200)
  assert.deepEqual(page.json.lines, lines.slice(10, 20))
  assert.equal(page.json.job_id, job.id)
  assert.equal(page.json.total_lines, 25)
  assert.equal(page.json.offset, 10)
  assert.equal(page.json.has_more, true)
  assert.equal(typeof page.json.seq, 'number')
  const tail = await get(srv, `/api/jobs/${job.id}/logs?offset=20&limit=10`)
  assert.equal(tail.json.has_more, false)
  assert.equal(tail.json.lines.length, 5)
  const logsEtag = tail.headers.etag
  assert.equal((await get(srv, `/api/jobs/${job.id}/logs?offset=20&limit=10`, { headers: { 'if-none-match': logsEtag } })).status, 304)

  await post(srv, `/api/jobs/${job.id}/files`, { path: 'out/report.html', change: 'created' })
  await post(srv, `/api/jobs/${job.id}/files`, { path: 'out/data.csv' })
  const files = await get(srv, `/api/jobs/${job.id}/files`)
  assert.equal(files.status, 200)
  assert.deepEqual(files.json.files.map((f) => f.path).sort(), ['out/data.csv', 'out/report.html'])
  assert.ok(files.json.files.every((f) => f.change === 'created' && typeof f.file_id === 'string'))
  assert.equal(files.headers.etag, `"${files.json.epoch}-${files.json.seq}"`)
  const detail = await get(srv, `/api/jobs/${job.id}`)
  assert.equal(detail.json.has_logs, true)
})

test('large answers are gzipped when the client asks, and identical once unzipped', async () => {
  const job = await createJob(srv)
  await post(srv, `/api/jobs/${job.id}/logs`, { lines: Array.from({ length: 200 }, (_, i) => `a fairly long log line number ${i}`) })
  const plain = await get(srv, `/api/jobs/${job.id}/logs`)
  const zipped = await get(srv, `/api/jobs/${job.id}/logs`, { headers: { 'accept-encoding': 'gzip' } })
  assert.equal(plain.headers['content-encoding'], undefined)
  assert.equal(zipped.headers['content-encoding'], 'gzip')
  assert.ok(zipped.buffer.length < plain.buffer.length / 3)
  assert.equal(zlib.gunzipSync(zipped.buffer).toString('utf8'), plain.body)
  const refused = await get(srv, `/api/jobs/${job.id}/logs`, { headers: { 'accept-encoding': 'gzip;q=0' } })
  assert.equal(refused.headers['content-encoding'], undefined)
})

test('GET /api/config/polling, /healthz and /metrics answer their documented shapes', async () => {
  const config = await get(srv, '/api/config/polling', { token: null })
  // The defaults of DESIGN.md: lists every 3 s, logs every 15 s.
  assert.deepEqual(config.json, { interval_ms: 3000, enabled: true, log_interval_ms: 15000 })

  const health = await get(srv, '/healthz', { token: null })
  assert.equal(health.status, 200)
  assert.equal(health.json.status, 'ok')
  assert.deepEqual(Object.keys(health.json).sort(), ['epoch', 'oldest', 'seq', 'status', 'store'])
  assert.equal(health.json.store, 'reachable', 'an embedded SQLite store is always reachable')
  assert.equal(typeof health.json.seq, 'number')

  await get(srv, '/api/jobs/j_missing_for_metrics')
  const metrics = await get(srv, '/metrics')
  assert.equal(metrics.status, 200)
  assert.match(metrics.headers['content-type'], /^text\/plain/)
  assert.match(metrics.body, /^jobwire_connections\{transport="sse"\} \d+$/m)
  assert.match(metrics.body, /^jobwire_connections\{transport="ws"\} \d+$/m)
  assert.match(metrics.body, /^jobwire_events_per_second [\d.]+$/m)
  assert.match(metrics.body, /^jobwire_queue_drops_total \d+$/m)
  assert.match(metrics.body, /^jobwire_fanout_sweep_seconds_count \d+$/m)
  assert.match(metrics.body, /^jobwire_fanout_sweep_seconds_sum [\d.]+$/m)
  assert.match(metrics.body, /^jobwire_http_requests_total\{status="404"\} [1-9]\d*$/m)
  assert.match(metrics.body, /^jobwire_http_requests_total\{status="200"\} [1-9]\d*$/m)
  // The earlier tests wrote, and with the default 64 MiB limit nothing was held back.
  assert.match(metrics.body, /^jobwire_wal_bytes [1-9]\d*$/m)
  assert.match(metrics.body, /^jobwire_wal_limit_waits_total 0$/m)
  assert.match(metrics.body, /^jobwire_wal_limit_wait_seconds_total 0\.0+$/m)
})

test('GET / answers the dashboard, HEAD answers headers only, OPTIONS preflight answers 204', async () => {
  const page = await get(srv, '/', { token: null })
  assert.equal(page.status, 200)
  assert.match(page.headers['content-type'], /text\/html/)
  assert.match(page.body, /<script type="module" src="bundle\.js">/)
  const head = await request(srv, 'HEAD', '/healthz', { token: null })
  assert.equal(head.status, 200)
  assert.equal(head.body, '')
  const preflight = await request(srv, 'OPTIONS', '/api/jobs', { token: null, headers: { origin: 'http://elsewhere.test' } })
  assert.equal(preflight.status, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], undefined)
})

test('keep-alive: many requests share one connection', async () => {
  const http = require('node:http')
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const sockets = new Set()
  try {
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve, reject) => {
        http.get(`${srv.url}/healthz`, { agent }, (res) => {
          sockets.add(res.socket)
          assert.equal(res.headers.connection, 'keep-alive')
          res.resume()
          res.on('end', resolve)
        }).on('error', reject)
      })
    }
    assert.equal(sockets.size, 1)
  } finally {
    agent.destroy()
  }
})

test('a loopback server answers reads to a browser page only at a loopback name: a rebound name needs the token', async () => {
  // DNS rebinding: a page at rebound.example, whose name now resolves to 127.0.0.1, sends
  // same-origin requests that reach us with Host: rebound.example.
  const raw = (target, host, extra = '') => rawExchange(srv, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`)
  for (const target of ['/api/jobs', '/api/events?after=0', '/api/events/stream', '/metrics']) {
    const refused = await raw(target, `rebound.example:${srv.port}`, `Origin: http://rebound.example:${srv.port}\r\n`)
    assert.equal(statusOf(refused), 401, `${target}: ${refused.slice(0, 200)}`)
    assert.match(refused, /"code":"unauthorized"/)
    assert.match(refused, /rebound\.example/)
  }
  assert.equal(statusOf(await raw('/api/jobs', `127.0.0.1:${srv.port}`)), 200)
  assert.equal(statusOf(await raw('/api/jobs', `localhost:${srv.port}`)), 200)
  assert.equal(statusOf(await raw('/api/jobs', `rebound.example:${srv.port}`, `Authorization: Bearer ${srv.token}\r\n`)), 200)
  assert.equal(statusOf(await raw('/healthz', `rebound.example:${srv.port}`)), 200)
})
