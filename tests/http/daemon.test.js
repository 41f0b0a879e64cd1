'use strict'
// jobwired's command line: startup lines (human and --json), the generated token, flags it
// refuses, clean shutdown on SIGINT and SIGTERM, the dashboard (bundled, --static,
// --no-dashboard) and --demo.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')
const { startJobwired, jobwiredBin } = require('../helpers/jobwired')
const { get, post, openSse, emitMany, sleep } = require('./support')

function tempDir (t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwired-daemon-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

// Spawns jobwired and collects stdout lines until `until(lines)` holds.
function spawnUntil (args, { env = {}, until }) {
  const proc = spawn(jobwiredBin(), args, { env: { ...process.env, JOBWIRE_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines = []
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no startup lines: ${lines.join('\n')}`)), 10_000)
    proc.stdout.setEncoding('utf8').on('data', (chunk) => {
      lines.push(...chunk.split('\n').filter(Boolean))
      if (until(lines)) { clearTimeout(timer); resolve(lines) }
    })
    proc.once('exit', () => { clearTimeout(timer); reject(new Error(`exited early: ${lines.join('\n')}`)) })
  })
  return { proc, lines, exited, ready }
}

test('--json prints machine-readable startup lines with the url, port and epoch', async (t) => {
  const dir = tempDir(t)
  const run = spawnUntil(['--port', '0', '--token', 'tok', '--db', path.join(dir, 'a.db'), '--json'],
    { until: (lines) => lines.some((l) => l.includes('"listening"')) })
  t.after(() => run.proc.kill('SIGKILL'))
  const lines = await run.ready
  const listening = JSON.parse(lines.find((l) => l.includes('"listening"')))
  assert.equal(listening.event, 'listening')
  assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.equal(listening.url, `http://127.0.0.1:${listening.port}`)
  assert.match(listening.epoch, /\S+/)
  const health = await fetch(`${listening.url}/healthz`)
  assert.equal(health.status, 200)
})

test('without --threads, jobwired runs one loop per core but one: the writer thread has the last', async (t) => {
  const dir = tempDir(t)
  const run = spawnUntil(['--port', '0', '--token', 'tok', '--db', path.join(dir, 'a.db'), '--json'],
    { until: (lines) => lines.some((l) => l.includes('"listening"')) })
  t.after(() => run.proc.kill('SIGKILL'))
  const listening = JSON.parse((await run.ready).find((l) => l.includes('"listening"')))
  assert.equal(listening.threads, Math.max(1, os.cpus().length - 1))
  const metrics = await (await fetch(`${listening.url}/metrics`)).text()
  assert.equal(metrics.match(/^jobwire_loop_connections\{loop="\d+"\} /gm).length, listening.threads)
})

test('without --token or JOBWIRE_TOKEN a token is generated, printed, saved beside the db and reused', async (t) => {
  const dir = tempDir(t)
  const db = path.join(dir, 'tok.db')
  const first = spawnUntil(['--port', '0', '--db', db], { until: (lines) => lines.some((l) => l.startsWith('jobwired listening on')) })
  t.after(() => first.proc.kill('SIGKILL'))
  const lines = await first.ready
  const printed = /^jobwired token \(generated.*\): ([0-9a-f]{32})$/m.exec(lines.join('\n'))
  assert.ok(printed, `a token line: ${lines.join(' | ')}`)
  const token = printed[1]
  assert.equal(fs.readFileSync(`${db}.token`, 'utf8').trim(), token)
  assert.equal((fs.statSync(`${db}.token`).mode & 0o777), 0o600)
  const url = /listening on (\S+)/.exec(lines.join('\n'))[1]
  const srv = { url, token }
  assert.equal((await post(srv, '/api/jobs', { type: 'build' })).status, 201)
  assert.equal((await post(srv, '/api/jobs', { type: 'build' }, { token: 'nope' })).status, 401)
  first.proc.kill('SIGTERM')
  assert.equal((await first.exited).code, 0)

  const second = spawnUntil(['--port', '0', '--db', db], { until: (lines) => lines.some((l) => l.startsWith('jobwired listening on')) })
  t.after(() => second.proc.kill('SIGKILL'))
  const again = await second.ready
  assert.ok(!again.join('\n').includes(token), 'a saved token is not printed again')
  const url2 = /listening on (\S+)/.exec(again.join('\n'))[1]
  assert.equal((await post({ url: url2, token }, '/api/jobs', { type: 'build' })).status, 201)
})

test('JOBWIRE_TOKEN from the environment is the write token', async (t) => {
  const srv = await startJobwired({ env: { JOBWIRE_TOKEN: 'from-env' }, token: 'from-flag' })
  t.after(() => srv.stop())
  // --token wins over the environment; the helper passes one.
  assert.equal((await post(srv, '/api/jobs', { type: 'b' }, { token: 'from-flag' })).status, 201)
  const dir = tempDir(t)
  const run = spawnUntil(['--port', '0', '--db', path.join(dir, 'e.db')], {
    env: { JOBWIRE_TOKEN: 'from-env' }, until: (lines) => lines.some((l) => l.startsWith('jobwired listening on'))
  })
  t.after(() => run.proc.kill('SIGKILL'))
  const lines = await run.ready
  assert.ok(!lines.some((l) => l.includes('token')), 'nothing generated')
  const url = /listening on (\S+)/.exec(lines.join('\n'))[1]
  assert.equal((await post({ url, token: 'from-env' }, '/api/jobs', { type: 'b' })).status, 201)
})

test('--poll-interval-ms, --poll-log-interval-ms and --no-polling shape /api/config/polling, within 2..60 s', async (t) => {
  const srv = await startJobwired({ args: ['--poll-interval-ms', '5000', '--poll-log-interval-ms', '20000', '--no-polling'] })
  t.after(() => srv.stop())
  const config = await get(srv, '/api/config/polling')
  assert.deepEqual(config.json, { interval_ms: 5000, enabled: false, log_interval_ms: 20000 })
  const tooFast = spawnSync(jobwiredBin(), ['--poll-interval-ms', '500'], { encoding: 'utf8' })
  assert.equal(tooFast.status, 2)
  assert.match(tooFast.stderr, /--poll-interval-ms: must be 2000\.\.60000/)
})

test('--fanout-tick-ms sets how often a sweep of many streams starts (10..1000 ms): 300 streams still get every event, in order', async (t) => {
  const srv = await startJobwired({ args: ['--fanout-tick-ms', '200'] })
  t.after(() => srv.stop())
  // More streams than are served at once (256), so each event reaches them through sweeps.
  const streams = await Promise.all(Array.from({ length: 300 }, () => openSse(srv)))
  t.after(() => streams.forEach((s) => s.close()))
  const seqs = (await emitMany(srv, 5)).sort((a, b) => a - b)
  await Promise.all(streams.map((s) => s.waitFor(5)))
  for (const s of streams) assert.deepEqual(s.events.map((e) => e.seq), seqs)
  for (const bad of ['9', '1001', 'fast']) {
    const refused = spawnSync(jobwiredBin(), ['--fanout-tick-ms', bad], { encoding: 'utf8' })
    assert.equal(refused.status, 2)
    assert.match(refused.stderr, /--fanout-tick-ms: must be 10\.\.1000/)
  }
})

test('a PostgreSQL store needs a shared token and names an unreachable server without its password; unknown flags exit 2', () => {
  const env = { ...process.env, JOBWIRE_TOKEN: '' }
  const noToken = spawnSync(jobwiredBin(), ['--store', 'postgres://localhost/jobs'], { encoding: 'utf8', env })
  assert.equal(noToken.status, 2)
  assert.match(noToken.stderr, /PostgreSQL store is shared .* --token or JOBWIRE_TOKEN/)
  const unreachable = spawnSync(jobwiredBin(), ['--token', 't', '--port', '0',
    '--store', 'postgresql://jobwire:pa55-secret@127.0.0.1:1/jobs?connect_timeout=2'], { encoding: 'utf8', env, timeout: 20_000 })
  assert.equal(unreachable.status, 1)
  assert.match(unreachable.stderr, /cannot open host=127\.0\.0\.1 port=1 dbname=jobs user=jobwire/)
  assert.doesNotMatch(unreachable.stderr + unreachable.stdout, /pa55-secret/)
  const unknown = spawnSync(jobwiredBin(), ['--frobnicate'], { encoding: 'utf8' })
  assert.equal(unknown.status, 2)
  assert.match(unknown.stderr, /--frobnicate: unknown flag/)
  const badPort = spawnSync(jobwiredBin(), ['--port', '70000'], { encoding: 'utf8' })
  assert.equal(badPort.status, 2)
  const help = spawnSync(jobwiredBin(), ['--help'], { encoding: 'utf8' })
  assert.equal(help.status, 0)
  assert.match(help.stdout, /--allow-origin/)
})

test('a port already taken is a clear error, exit 1', async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const dir = tempDir(t)
  const clash = spawnSync(jobwiredBin(), ['--port', String(srv.port), '--token', 't', '--db', path.join(dir, 'c.db')], { encoding: 'utf8', timeout: 10_000 })
  assert.equal(clash.status, 1)
  assert.match(clash.stderr, /cannot listen on 127\.0\.0\.1:\d+: address already in use/)
})

test('SIGINT and SIGTERM end open streams and exit 0', async () => {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    const srv = await startJobwired()
    const sse = await openSse(srv)
    await sse.waitForFrame((f) => f.event === 'hello')
    srv.proc.kill(signal)
    const exit = await srv.exited
    assert.equal(exit.code, 0, signal)
    for (let i = 0; i < 50 && !sse.ended; i++) await sleep(20)
    assert.ok(sse.ended, `${signal} ended the stream`)
    assert.match(srv.output(), /jobwired stopped/)
  }
})

test('--static DIR serves the dashboard files at / and refuses paths outside it', async (t) => {
  const dir = tempDir(t)
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>dash</title>')
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)')
  fs.writeFileSync(path.join(path.dirname(dir), `secret-${path.basename(dir)}.txt`), 'secret')
  t.after(() => fs.rmSync(path.join(path.dirname(dir), `secret-${path.basename(dir)}.txt`), { force: true }))
  const srv = await startJobwired({ args: ['--static', dir] })
  t.after(() => srv.stop())
  const index = await get(srv, '/', { token: null })
  assert.equal(index.status, 200)
  assert.match(index.headers['content-type'], /text\/html/)
  assert.match(index.body, /dash/)
  const js = await get(srv, '/assets/app.js', { token: null })
  assert.match(js.headers['content-type'], /javascript/)
  assert.equal((await get(srv, '/assets/app.js', { headers: { 'if-none-match': js.headers.etag } })).status, 304)
  assert.equal((await get(srv, `/../secret-${path.basename(dir)}.txt`)).status, 404)
  assert.equal((await get(srv, `/%2e%2e/secret-${path.basename(dir)}.txt`)).status, 404)
  assert.equal((await get(srv, '/missing.js')).status, 404)
})

test('without --static, jobwired serves the dashboard built beside it; --no-dashboard serves none', async (t) => {
  const beside = path.join(path.dirname(jobwiredBin()), 'dashboard')
  assert.ok(fs.existsSync(path.join(beside, 'index.html')), `the build left no dashboard in ${beside}`)
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const index = await get(srv, '/', { token: null })
  assert.equal(index.status, 200)
  assert.equal(index.body, fs.readFileSync(path.join(beside, 'index.html'), 'utf8'))
  assert.equal((await get(srv, '/bundle.js', { token: null })).status, 200)

  const bare = await startJobwired({ args: ['--no-dashboard'] })
  t.after(() => bare.stop())
  const plain = await get(bare, '/', { token: null })
  assert.equal(plain.status, 200)
  assert.notEqual(plain.body, index.body)
  assert.match(plain.body, /jobwired/)
  assert.equal((await get(bare, '/bundle.js', { token: null })).status, 404)
})

test('--demo keeps a realistic stream going: subjobs, progress, logs, files, x.* events, failures and cancellations', { timeout: 60_000 }, async (t) => {
  const srv = await startJobwired({ args: ['--demo', '--demo-speed', '20'] })
  t.after(() => srv.stop())
  const seen = { types: new Set(), statuses: new Set(), subjob: false }
  let after = 0
  const wanted = () => ['job.created', 'job.status', 'job.progress', 'job.log', 'job.file', 'job.updated'].every((x) => seen.types.has(x)) &&
    [...seen.types].some((x) => x.startsWith('x.')) && seen.subjob &&
    ['running', 'completed', 'failed', 'cancelled'].every((s) => seen.statuses.has(s))
  const deadline = Date.now() + 45_000
  while (!wanted() && Date.now() < deadline) {
    const page = await get(srv, `/api/events?after=${after}&wait=2&limit=1000`)
    for (const e of page.json.events) {
      seen.types.add(e.type)
      if (e.type === 'job.status') seen.statuses.add(e.data.status)
      if (e.type === 'job.created' && e.parent) seen.subjob = true
    }
    after = page.json.next
  }
  assert.ok(wanted(), `seen ${JSON.stringify({ types: [...seen.types], statuses: [...seen.statuses], subjob: seen.subjob })}`)
})
