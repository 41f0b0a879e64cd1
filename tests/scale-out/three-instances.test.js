'use strict'
// Issue 14's check, end to end: three jobwired on one PostgreSQL database (a private server
// this test starts), writers on all three at once (the HTTP write API and the addon), and SSE,
// WebSocket and long-poll clients on each. Every client sees every event once, in the one
// global order, and folds to the state GET /api/jobs gives on any instance. Then one
// instance is killed with SIGKILL and its clients resume on another with their cursor; then
// PostgreSQL itself is restarted mid-stream. Nothing is missed or repeated through either.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const http = require('node:http')
const path = require('node:path')
const { startPgServer, pgSkipReason } = require('../helpers/pg-server')
const { startJobwired } = require('../helpers/jobwired')
const { request, get, openSse, openWs, sleep } = require('../http/support')

const jobwire = require(path.resolve(__dirname, '..', '..'))

// Types whose every event a streaming client must see; job.progress may be coalesced by
// streams (a newer one for the same job replaces an undelivered older one: DESIGN.md).
const superseded = (event) => event.type === 'job.progress'

// A long-poll client: GET /api/events?after=N&wait=S in a loop, moving its cursor.
function longPoll (srv) {
  const client = { srv, events: [], cursor: 0, stopped: false, errors: 0 }
  client.done = (async () => {
    while (!client.stopped) {
      try {
        const res = await get(client.srv, `/api/events?after=${client.cursor}&wait=1&limit=1000`)
        if (res.status !== 200) throw new Error(`long-poll answered ${res.status}`)
        for (const event of res.json.events) client.events.push(event)
        client.cursor = res.json.next
      } catch {
        client.errors++
        await sleep(100) // its instance is gone or restarting: the caller moves it
      }
    }
  })()
  return client
}

// Writes on one instance over HTTP until stopped: jobs through their life, custom events.
// Each write carries an Idempotency-Key and is retried until acknowledged, so a write that
// met a restart is neither lost nor doubled.
function httpWriter (srv, name) {
  const writer = { srv, stopped: false, ended: false, acked: 0, unavailable: 0 }
  const write = async (method, route, body) => {
    const key = crypto.randomUUID()
    while (!writer.ended) {
      try {
        const res = await request(writer.srv, method, route, { body, headers: { 'idempotency-key': key } })
        if (res.status === 200 || res.status === 201) { writer.acked++; return res.json }
        if (res.status !== 503) throw new Error(`${method} ${route} answered ${res.status} ${res.body}`)
        writer.unavailable++
      } catch (err) {
        if (!/ECONNREFUSED|ECONNRESET|socket hang up/.test(String(err.message))) throw err
      }
      await sleep(50)
    }
    throw new Error('the test ended')
  }
  writer.done = (async () => {
    for (let i = 0; !writer.stopped; i++) {
      const created = await write('POST', '/api/jobs', { type: 'build', project: name })
      const id = created.id
      await write('POST', `/api/jobs/${id}/status`, { status: 'running' })
      await write('POST', `/api/jobs/${id}/progress`, { progress: 50 })
      await write('POST', `/api/jobs/${id}/logs`, { lines: [`${name} line ${i}`] })
      await write('POST', '/api/events', { type: 'x.tick', job: id, data: { writer: name, i } })
      await write('POST', `/api/jobs/${id}/status`, { status: i % 3 === 0 ? 'failed' : 'completed' })
    }
  })()
  return writer
}

function fold (events) {
  const jobs = new Map()
  for (const e of events) {
    if (!e.type.startsWith('job.')) continue
    const job = jobs.get(e.job) || {}
    if (e.type === 'job.created') Object.assign(job, { status: 'pending', progress_percent: 0 })
    if (e.type === 'job.status') Object.assign(job, { status: e.data.status, progress_percent: e.data.progress_percent })
    if (e.type === 'job.progress') job.progress_percent = e.data.progress_percent
    jobs.set(e.job, job)
  }
  return jobs
}

async function allJobs (srv) {
  const jobs = new Map()
  for (let offset = 0; ; offset += 1000) {
    const res = await get(srv, `/api/jobs?limit=1000&offset=${offset}`)
    assert.equal(res.status, 200)
    for (const job of res.json.jobs) jobs.set(job.id, { status: job.status, progress_percent: job.progress_percent })
    if (offset + 1000 >= res.json.total) return jobs
  }
}

// The seqs a client saw, after checking each came after the one before.
function seqsInOrder (name, events) {
  const seqs = events.map((e) => e.seq)
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `${name}: seq ${seqs[i]} after ${seqs[i - 1]}`)
  return new Set(seqs)
}

test('three jobwired on one PostgreSQL: one gap-free order for every client, through a SIGKILL and a PostgreSQL restart', { skip: pgSkipReason() }, async (t) => {
  const pg = await startPgServer()
  t.after(() => pg.stop())
  const token = crypto.randomBytes(16).toString('hex')
  const start = () => startJobwired({ dbPath: pg.url, token, args: ['--heartbeat-ms', '1000'] })
  const servers = [await start(), await start(), await start()]
  t.after(() => Promise.all(servers.map((srv) => srv.stop())))
  const epochs = await Promise.all(servers.map(async (srv) => (await get(srv, '/healthz')).json.epoch))
  assert.equal(new Set(epochs).size, 1, 'every instance reports the store\'s one epoch')

  // Clients on every instance, from the start of the log.
  let appWrites = 0
  let appStopped = false
  const sse = await Promise.all(servers.map((srv) => openSse(srv, '/api/events/stream?after=0')))
  const ws = await Promise.all(servers.map((srv) => openWs(srv, '/ws?after=0')))
  const polls = servers.map((srv) => longPoll(srv))

  // Writers on all three over HTTP, and an app with the addon on the same database.
  const writers = servers.map((srv, i) => httpWriter(srv, `instance${i}`))
  // Whatever happens, nothing keeps writing or polling after the test.
  t.after(() => {
    for (const w of writers) Object.assign(w, { stopped: true, ended: true })
    for (const p of polls) p.stopped = true
    appStopped = true
  })
  const app = await jobwire.open({ store: pg.url })
  t.after(() => app.close())
  const appDone = (async () => {
    while (!appStopped) {
      try {
        await app.emit('x.app', { data: { n: appWrites } }, { idempotencyKey: `app-${appWrites}` })
        appWrites++
      } catch (err) {
        if (err.code !== 'unavailable') throw err
        await sleep(50)
      }
    }
  })()

  await sleep(1500)

  // Kill instance 1; its clients resume on instance 2 with their cursors.
  await servers[1].kill('SIGKILL')
  const sseCursor = sse[1].events.at(-1)?.seq ?? 0
  const wsCursor = ws[1].events.at(-1)?.seq ?? 0
  sse[1].close()
  ws[1].close()
  const sseMoved = await openSse(servers[2], '/api/events/stream', { headers: { 'last-event-id': String(sseCursor) } })
  const wsMoved = await openWs(servers[2], `/ws?after=${wsCursor}`)
  polls[1].srv = servers[2]
  writers[1].srv = servers[2]

  await sleep(1500)

  // PostgreSQL restarts mid-stream: writes answer 503 meanwhile and are retried with their keys.
  await pg.restart()
  await sleep(2000)

  for (const w of writers) w.stopped = true
  appStopped = true
  await Promise.all([...writers.map((w) => w.done), appDone])
  // Each instance and the app hear of the others' last commits through NOTIFY or, at the
  // latest, their catch-up timer: wait until all report one head (any one of them alone may
  // still be a commit behind).
  const heads = async () => [(await get(servers[0], '/healthz')).json.seq, (await get(servers[2], '/healthz')).json.seq, app.logInfo().head]
  for (const deadline = Date.now() + 5000; new Set(await heads()).size > 1 && Date.now() < deadline;) await sleep(50)
  const [head, ...others] = await heads()
  assert.deepEqual(others, [head, head], 'instances 0 and 2 and the app report one head')
  assert.ok(head > 100, `a real load was written (head ${head})`)

  const clients = {
    'SSE on 0': sse[0].events,
    'SSE on 1 then 2': [...sse[1].events, ...sseMoved.events],
    'SSE on 2': sse[2].events,
    'WS on 0': ws[0].events,
    'WS on 1 then 2': [...ws[1].events.filter((e) => e.seq <= wsCursor), ...wsMoved.events],
    'WS on 2': ws[2].events
  }
  polls.forEach((p, i) => { clients[`long-poll on ${i}${i === 1 ? ' then 2' : ''}`] = p.events })
  // Wait for every client to reach the head.
  for (const [name, events] of Object.entries(clients)) {
    const deadline = Date.now() + 20_000
    while ((events.at(-1)?.seq ?? 0) < head && Date.now() < deadline) await sleep(100)
    assert.equal(events.at(-1)?.seq, head, `${name} reached the head`)
  }
  for (const p of polls) p.stopped = true
  await Promise.all(polls.map((p) => p.done))

  // The log itself, in full, from any instance.
  const log = []
  for (let after = 0; after < head;) {
    const page = await get(servers[0], `/api/events?after=${after}&limit=1000`)
    log.push(...page.json.events)
    after = page.json.next
  }
  assert.deepEqual(log.map((e) => e.seq), Array.from({ length: head }, (_, i) => i + 1), 'the log is gap-free')
  const required = log.filter((e) => !superseded(e)).map((e) => e.seq)

  const truth = await allJobs(servers[2])
  for (const [name, events] of Object.entries(clients)) {
    const seen = seqsInOrder(name, events)
    assert.equal(seen.size, events.length, `${name}: no event twice`)
    const missing = required.filter((seq) => !seen.has(seq))
    assert.deepEqual(missing, [], `${name}: nothing missed`)
    const byseq = new Map(log.map((e) => [e.seq, JSON.stringify(e)]))
    for (const e of events) assert.equal(JSON.stringify(e), byseq.get(e.seq), `${name}: seq ${e.seq} is the log's event`)
    assert.deepEqual(fold(events), truth, `${name} folds to GET /api/jobs`)
  }
  // The restart really was mid-stream: writes met it (503, retried with their keys), and the
  // moved clients carried on from their cursors on instance 2.
  const unavailable = writers.reduce((sum, w) => sum + w.unavailable, 0)
  t.diagnostic(`head ${head}; HTTP writes acked ${writers.map((w) => w.acked).join('/')}, 503s retried ${unavailable}; addon writes ${appWrites}; moved SSE got ${sseMoved.events.length}, moved WS ${wsMoved.events.length}`)
  assert.ok(unavailable > 0, 'some writes met the PostgreSQL restart')
  assert.ok(appWrites > 0)
  assert.ok(sseMoved.events.length > 0 && wsMoved.events.length > 0)
  for (const c of [...sse, sseMoved]) c.close()
  for (const c of [...ws, wsMoved]) c.close()
})

test('PostgreSQL unreachable: writes answer 503 and commit nothing, streams stay up and say "delayed", and all resumes when it is back', { skip: pgSkipReason() }, async (t) => {
  const pg = await startPgServer()
  t.after(() => pg.stop())
  const token = crypto.randomBytes(16).toString('hex')
  const a = await startJobwired({ dbPath: pg.url, token, args: ['--heartbeat-ms', '300'] })
  const b = await startJobwired({ dbPath: pg.url, token, args: ['--heartbeat-ms', '300'] })
  t.after(() => Promise.all([a.stop(), b.stop()]))
  const since = new Date().toISOString()
  const job = (await request(a, 'POST', '/api/jobs', { body: { type: 'build' } })).json
  const sse = await openSse(b, '/api/events/stream?after=0')
  const ws = await openWs(b, '/ws?after=0')
  t.after(() => { sse.close(); ws.close() })
  await sse.waitFor(1)
  // The seeds' shape on PostgreSQL: /api/status?since= and the WebSocket's hello, on the
  // instance that did not write.
  const status = await get(b, `/api/status?since=${encodeURIComponent(since)}`)
  assert.equal(status.status, 200)
  assert.deepEqual(status.json.events.map((e) => [e.seq, e.type, e.job]), [[1, 'job.created', job.id]])
  const hello = ws.messages.find((m) => m.type === 'hello')
  assert.equal(hello.epoch, (await get(a, '/healthz')).json.epoch)
  assert.equal(hello.oldest, 1)

  await pg.down() // stopped, its data kept: every connection ends and none can be made
  const refused = await request(a, 'POST', `/api/jobs/${job.id}/progress`, { body: { progress: 10 } })
  assert.equal(refused.status, 503)
  assert.equal(refused.json.error.code, 'unavailable')
  await ws.waitForMessage((m) => m.type === 'heartbeat' && m.delayed === true, 5000)
  await sse.waitForFrame((f) => f.event === 'heartbeat' && JSON.parse(f.data).delayed === true, 5000)
  assert.equal((await get(b, '/healthz')).json.store, 'unreachable')
  assert.equal(sse.ended, false, 'the stream stays open')

  await pg.up()
  // Back: a heartbeat says so, and writes on one instance reach streams on the other.
  await ws.waitForMessage((m) => m.type === 'heartbeat' && m.delayed === false, 10_000)
  await sse.waitForFrame((f) => f.event === 'heartbeat' && JSON.parse(f.data).delayed === false, 10_000)
  let accepted
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
    accepted = await request(a, 'POST', `/api/jobs/${job.id}/progress`, { body: { progress: 20 } })
    if (accepted.status === 200) break
  }
  assert.equal(accepted.status, 200)
  await sse.waitFor(2, 10_000)
  assert.deepEqual(sse.events.map((e) => e.seq), [1, 2], 'the refused write committed nothing; the accepted one is seq 2')
  assert.equal(sse.events[1].data.progress_percent, 20)
  assert.equal((await get(b, '/healthz')).json.store, 'reachable')
})
