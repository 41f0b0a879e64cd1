'use strict'
// Lifecycle: worker_threads, environment teardown, and a process that must exit (or stay)
// on its own. Each child runs the package exactly as an app would.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const { Worker } = require('node:worker_threads')
const { root, jobwire, tempDbPath } = require('./helpers')

// Runs `source` in a fresh node process; resolves with its exit code, output and run time.
// A child still running after `limitMs` is killed and reported as hung.
function runChild (source, limitMs = 20000) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['-e', source], { env: { ...process.env, JOBWIRE_ROOT: root }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs)
    child.on('exit', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, hung: signal === 'SIGKILL', stdout, stderr, ms: Date.now() - started })
    })
  })
}

test('the addon loads in worker threads; a terminated worker closes its core', async (t) => {
  const files = [tempDbPath(t), tempDbPath(t)]
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const jobwire = require(workerData.root)
    ;(async () => {
      const core = await jobwire.open({ path: workerData.file })
      core.subscribe(() => {})
      const job = await core.createJob({ type: 'in-worker' })
      await core.setStatus(job.id, 'running')
      parentPort.postMessage(job.id)
    })()`
  const ids = await Promise.all(files.map((file) => new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { root, file } })
    worker.once('error', reject)
    worker.once('message', async (id) => {
      await worker.terminate() // tears the environment down with the core open and subscribed
      resolve(id)
    })
  })))
  for (const [i, file] of files.entries()) {
    const core = await jobwire.open({ path: file })
    const job = await core.getJob(ids[i])
    assert.equal(job.status, 'running', 'the worker\'s acknowledged writes are in its file')
    await core.close()
  }
})

test('a process with an open core and an idle subscription exits on its own', async (t) => {
  const file = tempDbPath(t)
  const result = await runChild(`
    const jobwire = require(process.env.JOBWIRE_ROOT)
    ;(async () => {
      const core = await jobwire.open({ path: ${JSON.stringify(file)} })
      await new Promise((resolve) => {
        core.subscribe((batch) => { if (batch.length) resolve() })
        core.emit('x.hello', { data: 1 })
      })
      console.log('delivered')
      // Neither close() nor unsubscribe: the idle subscription must not keep the process up.
    })()`)
  assert.equal(result.hung, false, `the child hung: ${result.stderr}`)
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout.trim(), 'delivered')
  const core = await jobwire.open({ path: file })
  t.after(() => core.close())
  assert.equal(core.logInfo().head, 1)
})

test('process.exit() with thousands of writes in flight does not hang', async (t) => {
  const result = await runChild(`
    const jobwire = require(process.env.JOBWIRE_ROOT)
    ;(async () => {
      const core = await jobwire.open({ path: ${JSON.stringify(tempDbPath(t))} })
      core.subscribe(() => {})
      for (let i = 0; i < 20000; i++) core.emit('x.flood', { data: i })
      process.exit(3)
    })()`)
  assert.equal(result.hung, false)
  assert.equal(result.code, 3, result.stderr)
})

test('a write in flight keeps the process alive until it resolves', async (t) => {
  const result = await runChild(`
    const jobwire = require(process.env.JOBWIRE_ROOT)
    jobwire.open({ path: ${JSON.stringify(tempDbPath(t))} }).then((core) => {
      core.emit('x.last_words', { data: 'bye' }).then((event) => console.log('committed', event.seq))
    })`)
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout.trim(), 'committed 1')
})

// A closed store holding `count` events; returns its path.
async function storeOf (t, count) {
  const file = tempDbPath(t)
  const core = await jobwire.open({ path: file })
  await Promise.all(Array.from({ length: count }, (_, i) => core.emit('x.backlog', { data: i })))
  await core.close()
  return file
}

test('a subscription resuming behind the head keeps the process alive until it has caught up', async (t) => {
  const file = await storeOf(t, 5000)
  const result = await runChild(`
    const jobwire = require(process.env.JOBWIRE_ROOT)
    jobwire.open({ path: ${JSON.stringify(file)} }).then((core) => {
      let got = 0
      const stop = core.subscribe((batch) => {
        got += batch.length
        if (got === 5000) { console.log('caught up', batch.at(-1).seq); stop() }
      }, { after: 0 })
    })`)
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout.trim(), 'caught up 5000')
})

test('a subscription starting beyond the head keeps the process alive until its reset arrives', async (t) => {
  const file = await storeOf(t, 3)
  // A cursor from another store (here 1,000 past the head) is answered with a reset at the
  // head; nothing else keeps this process alive while it waits for it.
  const result = await runChild(`
    const jobwire = require(process.env.JOBWIRE_ROOT)
    jobwire.open({ path: ${JSON.stringify(file)} }).then((core) => {
      const stop = core.subscribe((batch) => {
        if (batch.reset) { console.log('reset at', batch.cursor); stop() }
      }, { after: 1000 })
    })`)
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout.trim(), 'reset at 3')
})

test('opening and closing cores with subscriptions and servers leaves no thread behind', async (t) => {
  const threads = () => require('node:fs').readdirSync('/proc/self/task').length
  const warm = await jobwire.open({ path: tempDbPath(t) })
  await warm.close()
  const before = threads()
  for (let i = 0; i < 30; i++) {
    const core = await jobwire.open({ path: tempDbPath(t) })
    core.subscribe(() => {})
    core.subscribe(() => {}, { after: 0 })
    const server = await core.serve({ port: 0 })
    await core.emit('x.round', { data: i })
    if (i % 2 === 0) await server.close()
    await core.close() // closes the other server and both subscriptions
  }
  assert.equal(threads(), before)
})
