'use strict'
// core.serve(): the HTTP engine over the same core, on loopback, always stopped.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const { root, openTemp, collect, tempDbPath } = require('./helpers')

// How a new connection to `port` ends: 'ECONNREFUSED' once nothing listens. (fetch could
// reuse a kept-alive connection and fail on that instead, however the server stopped.)
function connect (port) {
  return new Promise((resolve) => {
    require('node:http').get(`http://127.0.0.1:${port}/healthz`, { agent: false }, (res) => {
      res.resume()
      resolve(`answered ${res.statusCode}`)
    }).on('error', (err) => resolve(err.code))
  })
}

async function startServer (t, core, options = {}) {
  const server = await core.serve({ port: 0, host: '127.0.0.1', ...options })
  t.after(() => server.close())
  return server
}

test('serve() answers snapshots and the write API over loopback, and sees the same log', async (t) => {
  const core = await openTemp(t)
  const server = await startServer(t, core, { token: 'test-token' })
  assert.ok(server.port > 0)
  assert.equal(server.host, '127.0.0.1')
  assert.equal(server.token, 'test-token')
  const base = `http://127.0.0.1:${server.port}`
  const local = await core.createJob({ type: 'local' })
  const live = collect(core)
  t.after(live.stop)

  const list = await (await fetch(`${base}/api/jobs`)).json()
  assert.deepEqual(list.jobs.map((j) => j.id), [local.id])
  assert.equal(list.seq, core.logInfo().head)

  const refused = await fetch(`${base}/api/jobs`, { method: 'POST', body: JSON.stringify({ type: 'web' }) })
  assert.equal(refused.status, 401)
  const created = await fetch(`${base}/api/jobs`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'web' }),
  })
  assert.equal(created.status, 201)
  const job = await created.json()
  assert.equal((await core.getJob(job.id)).type, 'web', 'an HTTP write is in the core')
  await live.untilSeq(core.logInfo().head)
  assert.equal(live.events.at(-1).job, job.id, 'and reaches in-process subscribers')

  const events = await (await fetch(`${base}/api/events?after=0`)).json()
  assert.deepEqual(events.events.map((e) => e.seq), [1, 2])
})

test('serve({threads: 2}) serves on two loops, and a write reaches the streams on both', async (t) => {
  const core = await openTemp(t)
  const server = await startServer(t, core, { token: 'test-token', threads: 2 })
  const base = `http://127.0.0.1:${server.port}`
  const http = require('node:http')
  // Two streams: the first goes to loop 0, the second to loop 1 (the loop with fewer).
  const streams = await Promise.all([0, 1].map(() => new Promise((resolve, reject) => {
    http.get(`${base}/api/events/stream`, { agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { text += chunk; if (text.includes('event: hello')) resolve({ res, text: () => text }) })
    }).on('error', reject)
  })))
  t.after(() => streams.forEach((s) => s.res.destroy()))
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.match(metrics, /^jobwire_loop_connections\{loop="0"\} [1-9]/m)
  assert.match(metrics, /^jobwire_loop_connections\{loop="1"\} [1-9]/m)
  const job = await core.createJob({ type: 'both-loops' })
  for (const stream of streams) {
    while (!stream.text().includes(job.id)) await new Promise((resolve) => setTimeout(resolve, 10))
  }
})

test('serve() takes the server\'s settings, in the ranges jobwired\'s flags take', async (t) => {
  const core = await openTemp(t)
  const refusals = {
    fanoutTickMs: [9, 'fanoutTickMs must be from 10 to 1000'],
    heartbeatMs: [99, 'heartbeatMs must be from 100 to 3600000'],
    stallTimeoutMs: [3600001, 'stallTimeoutMs must be from 100 to 3600000'],
    maxBodyBytes: [0, 'maxBodyBytes must be from 1 to 1073741824'],
    maxWriteBufferBytes: [1023, 'maxWriteBufferBytes must be from 1024 to 4294967296'],
    threads: [257, 'threads must be from 1 to 256'],
    port: [70000, 'port must be from 0 to 65535'],
    fanoutTick: [50, 'serve options: unknown field fanoutTick'],
  }
  for (const [name, [value, message]] of Object.entries(refusals)) {
    await assert.rejects(core.serve({ port: 0, [name]: value }), { code: 'invalid_argument', message }, name)
  }

  // null keeps a setting's default, as leaving it out does.
  const server = await startServer(t, core, { token: 'test-token', maxBodyBytes: 64, heartbeatMs: 100, fanoutTickMs: 200, threads: null })
  const base = `http://127.0.0.1:${server.port}`
  const post = (body) => fetch(`${base}/api/jobs`, {
    method: 'POST', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body,
  })
  assert.equal((await post(JSON.stringify({ type: 'small' }))).status, 201)
  const big = await post(JSON.stringify({ type: 'big', summary: { text: 'x'.repeat(100) } }))
  assert.equal(big.status, 413)
  // An idle stream hears a heartbeat within a few of its 100 ms intervals.
  const http = require('node:http')
  const heard = await new Promise((resolve, reject) => {
    const started = Date.now()
    const req = http.get(`${base}/api/events/stream`, { agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        text += chunk
        if (text.includes(': hb')) { req.destroy(); resolve(Date.now() - started) }
      })
    }).on('error', reject)
  })
  assert.ok(heard < 5000, `first heartbeat (the default is every 20 s) after ${heard} ms`)
})

test('without a token option serve() uses a generated one and reports it', async (t) => {
  const saved = process.env.JOBWIRE_TOKEN
  delete process.env.JOBWIRE_TOKEN
  t.after(() => { if (saved !== undefined) process.env.JOBWIRE_TOKEN = saved })
  const core = await openTemp(t)
  const server = await startServer(t, core)
  assert.match(server.token, /^[A-Za-z0-9_-]{32}$/)
  const created = await fetch(`http://127.0.0.1:${server.port}/api/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'web' }),
  })
  assert.equal(created.status, 201)
})

test('a taken port rejects with code unavailable; close() and core.close() stop serving', async (t) => {
  const core = await openTemp(t)
  const first = await startServer(t, core)
  await assert.rejects(core.serve({ port: first.port }), (err) => err.code === 'unavailable' && err.message.includes(String(first.port)))
  const second = await startServer(t, core)
  await first.close()
  assert.equal(await connect(first.port), 'ECONNREFUSED')
  assert.equal((await fetch(`http://127.0.0.1:${second.port}/healthz`)).status, 200)
  await core.close()
  assert.equal(await connect(second.port), 'ECONNREFUSED')
})

test('a listening server keeps the process alive until it is closed', async (t) => {
  // Signal listeners do not hold the event loop; only the server can keep this child up.
  const source = `
    const jobwire = require(process.env.JOBWIRE_ROOT)
    jobwire.open({ path: ${JSON.stringify(tempDbPath(t))} }).then(async (core) => {
      const server = await core.serve({ port: 0 })
      process.once('SIGUSR2', () => server.close().then(() => console.log('closed')))
      console.log('listening')
    })`
  const child = spawn(process.execPath, ['-e', source], { env: { ...process.env, JOBWIRE_ROOT: root }, stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGKILL'))
  let stdout = ''
  child.stdout.on('data', (d) => { stdout += d })
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)))
  while (!stdout.includes('listening')) await new Promise((resolve) => setTimeout(resolve, 10))
  await new Promise((resolve) => setTimeout(resolve, 500))
  assert.equal(child.exitCode, null, 'still running while listening')
  child.kill('SIGUSR2')
  assert.equal(await exited, 0)
  assert.match(stdout, /closed/)
})

test('a core and a server the app keeps no reference to go on serving after garbage collection', async (t) => {
  const source = `
    const jobwire = require(process.env.JOBWIRE_ROOT)
    ;(async () => {
      const core = await jobwire.open({ path: ${JSON.stringify(tempDbPath(t))} })
      const { port } = await core.serve({ port: 0, token: 'gc-token' })
      console.log(port)
    })().then(() => setTimeout(() => { global.gc(); global.gc(); console.log('collected') }, 50))`
  const child = spawn(process.execPath, ['--expose-gc', '-e', source], { env: { ...process.env, JOBWIRE_ROOT: root }, stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGKILL'))
  let stdout = ''
  child.stdout.on('data', (d) => { stdout += d })
  while (!stdout.includes('collected')) await new Promise((resolve) => setTimeout(resolve, 10))
  const base = `http://127.0.0.1:${parseInt(stdout, 10)}`
  const created = await fetch(`${base}/api/jobs`, {
    method: 'POST',
    headers: { authorization: 'Bearer gc-token', 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'after-gc' }),
  })
  assert.equal(created.status, 201)
  const job = await created.json()
  assert.equal((await (await fetch(`${base}/api/jobs/${job.id}`)).json()).type, 'after-gc')
})

test('process.exit() with a listening server, an open core and a subscription exits cleanly', async (t) => {
  const source = `
    const jobwire = require(process.env.JOBWIRE_ROOT)
    jobwire.open({ path: ${JSON.stringify(tempDbPath(t))} }).then(async (core) => {
      core.subscribe(() => {})
      await core.serve({ port: 0 })
      await core.emit('x.bye', {})
      process.exit(7)
    })`
  const child = spawn(process.execPath, ['-e', source], { env: { ...process.env, JOBWIRE_ROOT: root }, stdio: ['ignore', 'ignore', 'pipe'] })
  t.after(() => child.kill('SIGKILL'))
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])))
  assert.equal(signal, null, stderr)
  assert.equal(code, 7, stderr)
})

test('a worker thread serving HTTP can be terminated', async (t) => {
  const { Worker } = require('node:worker_threads')
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads')
    require(workerData.root).open({ path: workerData.file }).then(async (core) => {
      const server = await core.serve({ port: 0 })
      parentPort.postMessage(server.port)
    })`, { eval: true, workerData: { root, file: tempDbPath(t) } })
  const port = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject) })
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200)
  await worker.terminate()
  assert.equal(await connect(port), 'ECONNREFUSED')
})
