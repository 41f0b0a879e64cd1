'use strict'
// The `jobwire` CLI against a real jobwired: each command, human and --json output, the
// environment defaults, and clear errors with non-zero exits.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { startJobwired } = require('../helpers/jobwired')
const { get, post } = require('./support')

const CLI = path.join(__dirname, '..', '..', 'scripts', 'bin', 'jobwire.js')

let srv
test.before(async () => { srv = await startJobwired() })
test.after(() => srv && srv.stop())

// Runs the CLI; resolves {code, stdout, stderr}.
function cli (args, { env = {}, input, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, JOBWIRE_URL: srv.url, JOBWIRE_TOKEN: srv.token, ...env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (c) => { stdout += c })
    proc.stderr.on('data', (c) => { stderr += c })
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
    proc.on('error', reject)
    proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
    proc.stdin.end(input)
  })
}

test('job create, status, progress, log, file and emit drive a job through its life', async () => {
  const created = await cli(['job', 'create', '--type', 'build', '--project', 'cli', '--json'])
  assert.equal(created.code, 0, created.stderr)
  const job = JSON.parse(created.stdout)
  assert.equal(job.type, 'build')
  assert.equal(job.project, 'cli')

  const running = await cli(['job', 'status', job.id, 'running'])
  assert.equal(running.code, 0, running.stderr)
  assert.match(running.stdout, new RegExp(`^${job.id} build \\[cli\\] running`))

  const progress = await cli(['job', 'progress', job.id, '40'])
  assert.equal(progress.stdout.trim(), `${job.id} 40%`)

  const log = await cli(['job', 'log', job.id, 'first line', 'second line'])
  assert.equal(log.stdout.trim(), `appended 2 lines to ${job.id} at offset 0`)
  const piped = await cli(['job', 'log', job.id], { input: 'from stdin 1\nfrom stdin 2\n' })
  assert.equal(piped.stdout.trim(), `appended 2 lines to ${job.id} at offset 2`)

  const file = await cli(['job', 'file', job.id, 'out/report.html'])
  assert.match(file.stdout, /^created out\/report\.html on /)

  const emitted = await cli(['job', 'emit', 'x.intervention_request', '--job', job.id, '--data', '{"reason":"approve"}', '--json'])
  const event = JSON.parse(emitted.stdout)
  assert.equal(event.type, 'x.intervention_request')
  assert.deepEqual(event.data, { reason: 'approve' })

  const shown = await cli(['job', 'status', job.id, '--json'])
  assert.equal(JSON.parse(shown.stdout).progress_percent, 40)

  const logs = await get(srv, `/api/jobs/${job.id}/logs`)
  assert.deepEqual(logs.json.lines, ['first line', 'second line', 'from stdin 1', 'from stdin 2'])

  const failed = await cli(['job', 'status', job.id, 'failed', '--error', 'disk full'])
  assert.match(failed.stdout, /failed: disk full/)
})

test('events prints the log after a cursor, one line per event, or NDJSON with --json', async () => {
  const start = (await get(srv, '/healthz')).json.seq
  const a = await post(srv, '/api/events', { type: 'x.one', data: { n: 1 } })
  const b = await post(srv, '/api/events', { type: 'x.two', data: { n: 2 } })
  const human = await cli(['events', '--after', String(start)])
  assert.equal(human.code, 0)
  const lines = human.stdout.trim().split('\n')
  assert.equal(lines.length, 2)
  assert.match(lines[0], new RegExp(`^#${a.json.seq} \\S+ x\\.one \\{"n":1\\}$`))
  const json = await cli(['events', '--after', String(start), '--json', '--types', 'x.two'])
  assert.deepEqual(json.stdout.trim().split('\n').map((l) => JSON.parse(l).seq), [b.json.seq])
})

test('events --follow prints new events as they are written', async () => {
  // From a known cursor, so the event below is followed however long the CLI takes to start.
  const from = (await get(srv, '/healthz')).json.seq
  const proc = spawn(process.execPath, [CLI, 'events', '--follow', '--json', '--after', String(from)], {
    env: { ...process.env, JOBWIRE_URL: srv.url, JOBWIRE_TOKEN: srv.token }
  })
  try {
    let out = ''
    proc.stdout.on('data', (c) => { out += c })
    const written = await post(srv, '/api/events', { type: 'x.followed', data: {} })
    const deadline = Date.now() + 5000
    while (!out.includes('x.followed') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    const line = out.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'x.followed')
    assert.equal(line.seq, written.json.seq)
  } finally {
    proc.kill('SIGINT')
  }
})

test('refusals are printed as "jobwire: code: message" with exit 1', async () => {
  const created = JSON.parse((await cli(['job', 'create', '--type', 'b', '--json'])).stdout)
  await cli(['job', 'status', created.id, 'running'])
  await cli(['job', 'status', created.id, 'completed'])
  const refused = await cli(['job', 'status', created.id, 'running'])
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /^jobwire: invalid_transition: /)
  const missing = await cli(['job', 'progress', 'j_missing', '10'])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /^jobwire: not_found: /)
  const noToken = await cli(['job', 'create', '--type', 'b'], { env: { JOBWIRE_TOKEN: '' } })
  assert.equal(noToken.code, 1)
  assert.match(noToken.stderr, /^jobwire: unauthorized: /)
  const flagToken = await cli(['--token', srv.token, 'job', 'create', '--type', 'b'], { env: { JOBWIRE_TOKEN: '' } })
  assert.equal(flagToken.code, 0)
})

test('an unreachable server is exit 1; wrong usage is exit 2 with the usage text', async () => {
  const down = await cli(['--url', 'http://127.0.0.1:1', 'job', 'status', 'j_x'])
  assert.equal(down.code, 1)
  assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/)
  for (const args of [['job', 'create'], ['job', 'frob'], ['nonsense'], ['job', 'progress', 'j', 'lots'], ['job', 'emit', 'plain.type']]) {
    const res = await cli(args)
    assert.equal(res.code, 2, args.join(' '))
    assert.match(res.stderr, /usage: jobwire/)
  }
})
