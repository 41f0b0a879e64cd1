'use strict'
// The desktop app's demo producer: it runs every job of type 'demo' that is submitted
// (from the dashboard or anywhere else), through the core's public API only — the way an
// app's own code in Electron's main process would report its work.
//
// A demo job goes running → progress in steps, with a log line per step → a file → a
// summary → completed. A job cancelled meanwhile is left alone (its next write is refused
// with invalid_transition, and the run ends there).

const DEFAULTS = Object.freeze({ type: 'demo', steps: 10, stepMs: 400, concurrency: 4 })

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function startDemoProducer (core, options = {}) {
  const { type, steps, stepMs, concurrency } = { ...DEFAULTS, ...options }
  if (!Number.isInteger(steps) || steps < 1) throw new TypeError('demo producer: steps must be a positive integer')
  if (!Number.isInteger(stepMs) || stepMs < 0) throw new TypeError('demo producer: stepMs must be a non-negative integer')
  const waiting = []
  const running = new Set()
  const known = new Set()
  let stopped = false

  async function run (id) {
    await core.setStatus(id, 'running')
    for (let step = 1; step <= steps && !stopped; step++) {
      await sleep(stepMs)
      await core.appendLog(id, [`step ${step} of ${steps}`])
      await core.setProgress(id, Math.round((step * 100) / steps))
    }
    if (stopped) return
    await core.registerFile(id, { path: `demo/${id}/report.txt`, change: 'created' })
    await core.updateJob(id, { summary: { steps, step_ms: stepMs } })
    await core.setStatus(id, 'completed')
  }

  function pump () {
    while (!stopped && running.size < concurrency && waiting.length > 0) {
      const id = waiting.shift()
      const task = run(id).catch((err) => {
        // A cancelled (or otherwise finished) job refuses the next write: nothing to do.
        if (err?.code !== 'invalid_transition' && err?.code !== 'closed' && !stopped) {
          console.error(`jobwire demo producer: job ${id}: ${err.message}`)
        }
      }).finally(() => {
        running.delete(task)
        pump()
      })
      running.add(task)
    }
  }

  function take (id) {
    if (known.has(id)) return
    known.add(id)
    waiting.push(id)
    pump()
  }

  const unsubscribe = core.subscribe((batch) => {
    for (const event of batch) {
      if (event.type === 'job.created' && event.data?.type === type && event.data.status === 'pending') take(event.job)
    }
  }, { after: core.logInfo().head })

  // Jobs submitted while the app was not running.
  const backlog = core.listJobs({ status: 'pending', type, limit: 1000 }).then(({ jobs }) => {
    for (const job of jobs) take(job.id)
  }, () => {})

  return {
    async stop () {
      stopped = true
      unsubscribe()
      await backlog
      await Promise.allSettled([...running])
    },
  }
}

module.exports = { startDemoProducer }
