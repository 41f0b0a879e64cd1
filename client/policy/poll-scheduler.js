// Interval polling of snapshot keys, the whole policy of DESIGN.md "Client behaviour":
//   lists 3 s while something runs, 30 s when idle, fast for 20 s after a submit;
//   a job's detail (and files) every 5 s, stopping shortly after the job ends;
//   its logs every 15 s, stopping as soon as the job ends (after one last read);
//   per key, after 3 failures in a row, min(10 s · 2^(n−3), 120 s);
//   nothing while the page is hidden or offline; everything at once when it comes back.
// Timers are chained setTimeouts (never setInterval), so a slow answer never piles up
// requests. The scheduler decides *when*; revalidate(key) does the request.

import { FailureCounter } from './backoff.js'
import { SubmitGrace } from './grace.js'

// How long a finished job's detail keeps being read: one last look picks up what the
// producer writes right after the final status (summary, files).
export const TERMINAL_LINGER_MS = 2_000

export class PollScheduler {
  // revalidate(key) → Promise<boolean> (true when the server answered);
  // describeKey(key) → {kind: 'list'|'detail'|'logs'|'files'|'other', jobId?};
  // isTerminal(jobId) → boolean; isBusy() → boolean (a cached job is pending or running).
  constructor ({ env, polling, revalidate, describeKey, isTerminal, isBusy }) {
    this.env = env
    this.polling = polling
    this.revalidate = revalidate
    this.describeKey = describeKey
    this.isTerminal = isTerminal
    this.isBusy = isBusy
    this.grace = new SubmitGrace(env)
    this.keys = new Map() // key → {refs, timer, failures, finished, lingering, running}
    this.active = false
    this.disposers = [
      env.onVisibilityChange(() => this.onEnvironmentChange()),
      env.onOnlineChange(() => this.onEnvironmentChange())
    ]
  }

  // Registers interest in `key`; polling runs while at least one watcher remains.
  watch (key) {
    let entry = this.keys.get(key)
    if (!entry) {
      entry = { refs: 0, timer: null, failures: new FailureCounter(), finished: false, lingering: false, running: false }
      this.keys.set(key, entry)
      if (this.canPoll()) this.schedule(key, entry)
    }
    entry.refs += 1
    let released = false
    return () => {
      if (released) return
      released = true
      entry.refs -= 1
      if (entry.refs === 0) {
        this.clear(entry)
        this.keys.delete(key)
      }
    }
  }

  setPolling (polling) {
    this.polling = polling
    if (this.active) this.restartTimers()
  }

  start () {
    if (this.active) return
    this.active = true
    this.restartTimers()
  }

  stop () {
    this.active = false
    for (const entry of this.keys.values()) this.clear(entry)
  }

  dispose () {
    this.stop()
    for (const dispose of this.disposers) dispose()
  }

  noteSubmit () {
    this.grace.start()
    // A list waiting on its idle interval would not see the new job for 30 s.
    if (this.canPoll()) {
      for (const [key, entry] of this.keys) {
        if (this.describeKey(key).kind === 'list') this.schedule(key, entry)
      }
    }
  }

  // The job reached completed|failed|cancelled: read its logs once more now and stop;
  // read its detail once more shortly and stop.
  jobTerminal (jobId) {
    for (const [key, entry] of this.keys) {
      const { kind, jobId: owner } = this.describeKey(key)
      if (owner !== jobId || entry.finished) continue
      if (kind === 'logs') {
        entry.finished = true
        this.clear(entry)
        if (this.canPoll()) this.run(key, entry)
      } else if ((kind === 'detail' || kind === 'files') && !entry.lingering) {
        entry.lingering = true
        if (this.canPoll()) this.arm(key, entry, TERMINAL_LINGER_MS)
      }
    }
  }

  // Revalidates every watched key now (the refresh button, the page coming back).
  refreshAll () {
    return Promise.all([...this.keys].map(([key, entry]) => this.run(key, entry)))
  }

  canPoll () {
    return this.active && this.polling.enabled && this.env.isVisible() && this.env.isOnline()
  }

  onEnvironmentChange () {
    if (!this.active) return
    if (!this.canPoll()) {
      for (const entry of this.keys.values()) this.clear(entry)
      return
    }
    for (const [key, entry] of this.keys) {
      if (!entry.finished) this.run(key, entry)
    }
  }

  restartTimers () {
    for (const [key, entry] of this.keys) {
      this.clear(entry)
      if (this.canPoll()) this.schedule(key, entry)
    }
  }

  intervalFor (key) {
    const { kind, jobId } = this.describeKey(key)
    const p = this.polling
    switch (kind) {
      case 'list': return this.isBusy() || this.grace.active() ? p.intervalMs : p.idleIntervalMs
      case 'detail':
      case 'files': return this.isTerminal(jobId) ? TERMINAL_LINGER_MS : p.detailIntervalMs
      case 'logs': return p.logIntervalMs
      default: return p.intervalMs
    }
  }

  schedule (key, entry) {
    const { kind, jobId } = this.describeKey(key)
    if (entry.finished) return
    if (kind === 'logs' && this.isTerminal(jobId)) { entry.finished = true; return }
    if ((kind === 'detail' || kind === 'files') && this.isTerminal(jobId)) {
      if (entry.lingering) { entry.finished = true; return }
      entry.lingering = true
    }
    this.arm(key, entry, entry.failures.delay(this.intervalFor(key)))
  }

  arm (key, entry, delayMs) {
    this.clear(entry)
    entry.timer = this.env.setTimeout(() => {
      entry.timer = null
      this.run(key, entry)
    }, delayMs)
  }

  async run (key, entry) {
    if (entry.running) return
    entry.running = true
    let ok = false
    try {
      ok = await this.revalidate(key)
    } catch {
      ok = false
    } finally {
      entry.running = false
    }
    if (ok) entry.failures.succeed()
    else entry.failures.fail()
    if (this.keys.get(key) === entry && entry.timer === null && this.canPoll()) this.schedule(key, entry)
  }

  clear (entry) {
    if (entry.timer !== null) {
      this.env.clearTimeout(entry.timer)
      entry.timer = null
    }
  }
}
