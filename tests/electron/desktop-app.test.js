'use strict'
// The desktop app's main-process composition (electron/app/desktop.js) without Electron:
// the demo producer runs submitted demo jobs through the core API, leaves cancelled ones
// alone, and the optional HTTP server gives a second client the dashboard and the same data.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { startDesktop } = require('../../electron/app/desktop')
const { StandInIpcMain } = require('./harness/ipc-standin')

async function desktop (t, settings, extra = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-desktop-app-'))
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const app = await startDesktop({
    ipcMain: new StandInIpcMain(),
    dataDir,
    dashboardUrlPrefix: 'jobwire-app://dashboard/',
    settings,
    demoOptions: { steps: 4, stepMs: 20 },
    log: () => {},
    ...extra,
  })
  t.after(() => app.close())
  return { app, dataDir }
}

async function jobSettles (core, id, status) {
  let job
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    job = await core.getJob(id)
    if (job.status === status) return job
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  assert.fail(`job ${id} is ${job.status}, not ${status}`)
}

test('the demo producer runs a submitted demo job to completion, with logs, a file and a summary', async (t) => {
  const { app, dataDir } = await desktop(t, { demo: true, serve: { enabled: false } })
  assert.ok(fs.existsSync(path.join(dataDir, 'jobwire.db')), 'the store lives in the user-data folder')
  const job = await app.core.createJob({ type: 'demo' })
  const done = await jobSettles(app.core, job.id, 'completed')
  assert.equal(done.progress_percent, 100)
  const logs = await app.core.getLogs(job.id, {})
  assert.deepEqual(logs.lines, ['step 1 of 4', 'step 2 of 4', 'step 3 of 4', 'step 4 of 4'])
  const { files } = await app.core.listFiles(job.id)
  assert.equal(files[0].path, `demo/${job.id}/report.txt`)
  assert.deepEqual(done.summary, { steps: 4, step_ms: 20 })
  const other = await app.core.createJob({ type: 'build' })
  assert.equal((await app.core.getJob(other.id)).status, 'pending', 'jobs of other types are not the demo\'s')
})

test('the demo producer leaves a job cancelled while it runs as cancelled', async (t) => {
  const { app } = await desktop(t, { demo: true, serve: { enabled: false } }, { demoOptions: { steps: 50, stepMs: 20 } })
  const job = await app.core.createJob({ type: 'demo' })
  await jobSettles(app.core, job.id, 'running')
  await app.core.setStatus(job.id, 'cancelled')
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal((await app.core.getJob(job.id)).status, 'cancelled')
})

test('with serve on, a second client on loopback gets the dashboard and the same jobs over HTTP', async (t) => {
  const dashboardDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-desktop-dashboard-'))
  t.after(() => fs.rmSync(dashboardDir, { recursive: true, force: true }))
  fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>jobwire dashboard</title>')
  let started
  try {
    started = await desktop(t, { demo: false, serve: { enabled: true, host: '127.0.0.1', port: 0 } }, { dashboardDir })
  } catch (err) {
    if (err.code !== 'unavailable') throw err
    t.skip('this build of the addon has no HTTP engine (core.serve answers unavailable)')
    return
  }
  const { app } = started
  const job = await app.core.createJob({ type: 'shared' })
  const base = `http://127.0.0.1:${app.server.port}`
  const page = await fetch(`${base}/`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /jobwire dashboard/)
  const list = await (await fetch(`${base}/api/jobs`)).json()
  assert.deepEqual(list.jobs.map((j) => j.id), [job.id])
})
