'use strict'
// jobwire:query answers exactly what the HTTP GET routes answer, so a renderer's SWR keys and
// data are the same in the desktop build and the web build. Both read one real core: the
// HTTP side through core.serve on loopback, the IPC side through the real bridge and preload
// (Electron's IPC replaced by the stand-in in harness/).
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture } = require('./harness/bridge-fixture')

async function seed (core) {
  const parent = await core.createJob({ type: 'build', project: 'alpha' })
  const child = await core.createJob({ type: 'test', parent: parent.id, project: 'alpha' })
  const other = await core.createJob({ type: 'lint', project: 'beta' })
  await core.setStatus(parent.id, 'running')
  await core.setProgress(parent.id, 40)
  await core.appendLog(parent.id, ['compiling', 'linking', 'packing'])
  await core.registerFile(parent.id, { path: 'out/app.tar', change: 'created' })
  await core.setStatus(other.id, 'failed', 'lint errors')
  return { parent, child, other }
}

// A running job's duration is computed when it is read, so two reads a moment apart differ.
function withoutLiveDurations (body) {
  const strip = (job) => (job && job.status === 'running' ? { ...job, duration_seconds: 'live' } : job)
  if (Array.isArray(body?.jobs)) return { ...body, jobs: body.jobs.map(strip) }
  return strip(body)
}

test('query and HTTP GET answer the same JSON for every snapshot route', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  let server
  try {
    server = await core.serve({ host: '127.0.0.1', port: 0 })
  } catch (err) {
    if (err.code !== 'unavailable') throw err
    t.skip('this build of the addon has no HTTP engine (core.serve answers unavailable)')
    return
  }
  t.after(() => server.close())
  const { parent, child, other } = await seed(core)
  const { jobwire } = openWindow().window

  const paths = [
    '/api/jobs',
    '/api/jobs?status=running',
    '/api/jobs?type=lint',
    `/api/jobs?parent=${parent.id}`,
    '/api/jobs?offset=1&limit=1',
    `/api/jobs/${parent.id}`,
    `/api/jobs/${child.id}`,
    `/api/jobs/${other.id}`,
    `/api/jobs/${parent.id}/logs`,
    `/api/jobs/${parent.id}/logs?offset=1&limit=1`,
    `/api/jobs/${parent.id}/files`,
    '/api/config/polling',
    '/api/events?after=0&limit=4',
  ]
  for (const path of paths) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    assert.equal(response.status, 200, `HTTP ${path}`)
    assert.deepEqual(withoutLiveDurations(await jobwire.query(path)), withoutLiveDurations(await response.json()), `query ${path}`)
  }

  const refused = [
    '/api/jobs/j_missing', '/api/jobs/j_missing/logs', '/api/jobs?limit=lots', '/api/jobs?limit=0',
    '/api/jobs?status=bogus', '/api/jobs?offset=-1', '/api/events?limit=5000', '/api/events?after=999999',
    '/api/nope', `/api/jobs/${parent.id}/nope`,
  ]
  for (const path of refused) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    const { error } = await response.json()
    const answer = await jobwire.query(path)
    assert.equal(answer.error.status, response.status, `status of ${path}`)
    assert.equal(answer.error.code, error.code, `error code of ${path}`)
  }
})
