'use strict'
// jobwire:query and HTTP answer from one route table (native-core/src/api/read_routes.h), so
// every read route, with every documented filter and every bad value, gets the same status
// and the same body over both. Each request is sent over the real IPC channel (the bridge
// behind the stand-in ipcMain, answers as {status, body}) and over HTTP to core.serve on the
// same core.
const test = require('node:test')
const assert = require('node:assert/strict')
const v8 = require('node:v8')
const { bridgeFixture, serveOrSkip, APP_URL } = require('./harness/bridge-fixture')

async function seed (core) {
  const parent = await core.createJob({ type: 'build', project: 'alpha' })
  const child = await core.createJob({ type: 'test', parent: parent.id, project: 'alpha' })
  const other = await core.createJob({ type: 'lint', project: 'beta' })
  await core.setStatus(parent.id, 'running')
  await core.setProgress(parent.id, 40)
  await core.appendLog(parent.id, ['compiling', 'linking', 'packing'])
  await core.registerFile(parent.id, { path: 'out/app.tar', change: 'created' })
  await core.registerFile(child.id, { path: 'out/report.html', change: 'created' })
  await core.setStatus(other.id, 'failed', 'lint errors')
  await core.emit('x.note', { job: child.id, data: { text: 'hello' } })
  return { parent, child, other }
}

// The one volatile field: a running job's duration is computed when it is read.
function withoutLiveDurations (body) {
  const strip = (job) => (job && job.status === 'running' && 'duration_seconds' in job ? { ...job, duration_seconds: 'live' } : job)
  if (Array.isArray(body?.jobs)) return { ...body, jobs: body.jobs.map(strip) }
  return strip(body)
}

function paths ({ parent, child, other }, head) {
  const many = Array.from({ length: 101 }, (_, i) => `j_${i}`).join(',')
  return [
    // GET /api/jobs: every list filter, the projection, and ids=.
    '/api/jobs',
    '/api/jobs?status=running',
    '/api/jobs?status=failed&project=beta',
    '/api/jobs?type=lint',
    `/api/jobs?parent=${parent.id}`,
    '/api/jobs?project=alpha',
    '/api/jobs?since=2000-01-01T00:00:00Z',
    '/api/jobs?since=2999-01-01T00:00:00Z',
    '/api/jobs?since=0',
    '/api/jobs?offset=1&limit=1',
    '/api/jobs?offset=5',
    '/api/jobs?limit=1000',
    '/api/jobs?fields=status,progress_percent,updated_seq,log_lines',
    '/api/jobs?fields=status&project=alpha&status=pending',
    `/api/jobs?ids=${parent.id},${other.id}`,
    `/api/jobs?ids=${child.id},j_none,${child.id}&fields=status,log_lines`,
    // ... and their bad values.
    '/api/jobs?status=bogus', '/api/jobs?limit=0', '/api/jobs?limit=1001', '/api/jobs?limit=lots',
    '/api/jobs?offset=-1', '/api/jobs?since=yesterday', '/api/jobs?fields=summary', '/api/jobs?fields=',
    '/api/jobs?fields=status,secret', `/api/jobs?ids=${parent.id}&status=running`, '/api/jobs?ids=a&limit=5',
    '/api/jobs?ids=a&project=alpha', '/api/jobs?ids=a&since=0', '/api/jobs?ids=', `/api/jobs?ids=${many}`,
    // One job, its logs and its files.
    `/api/jobs/${parent.id}`, `/api/jobs/${child.id}`, `/api/jobs/${other.id}`,
    `/api/jobs/${parent.id}/logs`, `/api/jobs/${parent.id}/logs?offset=1&limit=1`, `/api/jobs/${parent.id}/logs?offset=9`,
    `/api/jobs/${parent.id}/files`, `/api/jobs/${other.id}/files`,
    '/api/jobs/j_missing', '/api/jobs/j_missing/logs', '/api/jobs/j_missing/files',
    `/api/jobs/${parent.id}/logs?limit=0`, `/api/jobs/${parent.id}/logs?limit=10001`, `/api/jobs/${parent.id}/logs?offset=x`,
    // A project's file changes.
    '/api/files?project=alpha', '/api/files?project=alpha&since_seq=0', `/api/files?project=alpha&since_seq=${head - 3}`,
    '/api/files?project=nobody', '/api/files', '/api/files?since_seq=0', '/api/files?project=alpha&since_seq=-1',
    `/api/files?project=alpha&since_seq=${head + 100}`,
    // Events after a cursor, with every filter.
    '/api/events', '/api/events?after=0&limit=4', '/api/events?after=2', `/api/events?after=${head}`,
    '/api/events?after=0&project=beta', `/api/events?after=0&job=${parent.id}`, `/api/events?after=0&job=${child.id}`,
    '/api/events?after=0&types=job.status,job.file', '/api/events?after=0&types=x.*', '/api/events?after=0&types=job.*&project=alpha&limit=2',
    '/api/events?after=-1', '/api/events?after=x', '/api/events?limit=0', '/api/events?limit=1001', '/api/events?wait=121',
    `/api/events?after=${head + 1}`, '/api/events?after=999999',
    // Events since a time.
    '/api/status?since=2000-01-01T00:00:00Z', '/api/status?since=2000-01-01T00:00:00Z&limit=2', '/api/status?since=0',
    '/api/status', '/api/status?since=soon', '/api/status?since=2000-01-01T00:00:00Z&limit=0',
    // Config, and paths no route has.
    '/api/config/polling', '/api/nope', `/api/jobs/${parent.id}/nope`,
  ]
}

test('query and HTTP answer every read route, filter and refusal with the same status and body', async (t) => {
  const { core, ipcMain, openWindow } = await bridgeFixture(t, { polling: { interval_ms: 4000 } })
  const server = await serveOrSkip(t, core)
  if (!server) return
  const jobs = await seed(core)
  const page = openWindow()
  const overIpc = async (path) => v8.deserialize(await ipcMain.invoke('jobwire:query',
    { sender: page.webContents, frameUrl: APP_URL }, v8.serialize([{ method: 'GET', path }])))
  const head = core.logInfo().head
  const statuses = new Set()
  for (const path of paths(jobs, head)) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    const http = { status: response.status, body: withoutLiveDurations(await response.json()) }
    const ipc = await overIpc(path)
    if (path === '/api/config/polling') {
      // A server option of jobwired, a bridge option of the app: the only answer that may differ.
      assert.deepEqual(ipc, { status: 200, body: { interval_ms: 4000, enabled: true, log_interval_ms: 15000 } })
      continue
    }
    assert.deepEqual({ status: ipc.status, body: withoutLiveDurations(ipc.body) }, http, `GET ${path}`)
    statuses.add(http.status)
  }
  // The list covers answers and refusals alike (a check that would pass vacuously otherwise).
  assert.deepEqual([...statuses].sort(), [200, 400, 404, 410])

  // The page's query keeps an error body whole: a reset says where the log now starts.
  const reset = await page.window.jobwire.query(`/api/events?after=${head + 1}`)
  assert.deepEqual(reset, { error: { code: 'reset', message: reset.error.message, status: 410 }, oldest: 1, seq: head, epoch: core.logInfo().epoch })
})

test('the app\'s polling settings reach /api/config/polling; unset ones keep the core\'s defaults', async (t) => {
  const { DEFAULT_POLLING } = require('../../electron/main')
  assert.deepEqual(DEFAULT_POLLING, { interval_ms: 3000, enabled: true, log_interval_ms: 15000 })
  const { openWindow } = await bridgeFixture(t, { polling: { enabled: false } })
  const { jobwire } = openWindow().window
  assert.deepEqual(await jobwire.query('/api/config/polling'), { ...DEFAULT_POLLING, enabled: false })
})
