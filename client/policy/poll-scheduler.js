// Interval polling of snapshot keys. Each key is polled under a preset (presets.js); the
// default, `dashboard`, is the whole policy of DESIGN.md "Client behaviour":
//   lists 3 s while something runs, 30 s when idle, fast for 20 s after a submit;
//   a job's detail (and files) every 5 s, stopping shortly after the job ends;
//   its logs every 15 s, stopping as soon as the job ends (after one last read);
//   per key, after 3 failures in a row, min(10 s · 2^(n−3), 120 s);
//   nothing while the page is hidden or offline; everything at once when it comes back.
// Other presets change the intervals, slow down with time (steps), pause a key that has
// been polled stopAfterMs without its job ending, and stop after maxRetries failures; a
// paused or stopped key comes back on user interaction, focus, or an event for its job.
// Timers are chained setTimeouts (never setInterval), so a slow answer never piles up
// requests. The scheduler decides *when*; revalidate(key) does the request.

import { FailureCounter } from './backoff.js'
import { SubmitGrace } from './grace.js'
import { dashboardPreset, TURN_PRESET, DEFAULT_PRESET } from './presets.js'
import { presetInterval } from './preset-interval.js'
import { presetRetryDelay } from './preset-retry.js'

// How long a finished job's detail keeps being read: one last look picks up what the
// producer writes right after the final status (summary, files).
export const TERMINAL_LINGER_MS = 2_000

// A job's detail and files keep being read a moment after it ends; its other keys stop.
const lingers = (kind) => kind === 'detail' || kind === 'files'

export class PollScheduler {
  // revalidate(key) → Promise<boolean> (true when the server answered);
  // describeKey(key) → {kind: 'list'|'detail'|'logs'|'files'|'changes'|'set'|'timeline'|'other', jobId?};
  // isTerminal(jobId) → boolean; isBusy() → boolean (a cached job is pending or running);
  // presets: validated presets by name, beside the built-in `dashboard` and `turn`.
  constructor ({ env, polling, revalidate, describeKey, isTerminal, isBusy, presets = {} }) {
    this.env = env
    this.polling = polling
    this.presets = { turn: TURN_PRESET, ...presets, dashboard: dashboardPreset(polling) }
    this.stateListeners = new Set()
    this.revalidate = revalidate
    this.describeKey = describeKey
    this.isTerminal = isTerminal
    this.isBusy = isBusy
    this.wasBusy = false
    this.grace = new SubmitGrace(env)
    // key → {refs, timer, failures, finished, lingering, running, preset, since, state}
    this.keys = new Map()
    this.active = false
    this.disposers = [
      env.onVisibilityChange(() => this.onEnvironmentChange()),
      env.onOnlineChange(() => this.onEnvironmentChange()),
      // Interaction and focus are optional in an environment: without them only events
      // and the refresh button resume a paused key.
      env.onInteraction ? env.onInteraction(() => this.resumeStopped()) : () => {}
    ]
  }

  // Registers interest in `key`, polled under the preset `policy` (the first watcher's
  // choice holds while the key is watched); polling runs while one watcher remains.
  // `job` ties a key that names no job (a turn's subjob list, its project's file changes)
  // to the job it is about: it stops when that job ends, and resumes on its events.
  watch (key, { policy = DEFAULT_PRESET, job } = {}) {
    if (!this.presets[policy]) throw new TypeError(`unknown polling preset ${policy} (known: ${Object.keys(this.presets).join(', ')})`)
    let entry = this.keys.get(key)
    if (!entry) {
      entry = {
        refs: 0,
        timer: null,
        failures: new FailureCounter(),
        finished: false,
        lingering: false,
        running: false,
        preset: policy,
        job: job ?? this.describeKey(key).jobId,
        since: this.env.now(),
        state: 'active'
      }
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
    this.presets = { ...this.presets, dashboard: dashboardPreset(polling) }
    if (this.active) this.restartTimers()
  }

  // Polling (re)starts: every key's preset clock starts now.
  start () {
    if (this.active) return
    this.active = true
    const now = this.env.now()
    for (const entry of this.keys.values()) entry.since = now
    this.restartTimers()
  }

  // The polling state of `key`: 'active', 'paused' (stopAfterMs passed without its job
  // ending) or 'error' (maxRetries failures in a row); undefined when it is not watched.
  stateOf (key) { return this.keys.get(key)?.state }

  // listener(key, state) on every change of a key's polling state; returns a disposer.
  onStateChange (listener) {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  // An event arrived for `jobId`: the job is alive, so its keys start their preset's
  // clock again (and a paused one polls again).
  noteJobActivity (jobId) {
    for (const [key, entry] of this.keys) {
      if (entry.job !== jobId || entry.finished) continue
      entry.since = this.env.now()
      if (entry.state !== 'active') this.resume(key, entry)
    }
  }

  // The user is back (interaction, focus): every paused or stopped key is read now and
  // polled again from the start of its preset.
  resumeStopped () {
    for (const [key, entry] of this.keys) {
      if (entry.state !== 'active' && !entry.finished) this.resume(key, entry)
    }
  }

  // Polling stops (push took over, or the client stops): events keep every key current,
  // so none is paused or failing any more.
  stop () {
    this.active = false
    for (const [key, entry] of this.keys) {
      this.clear(entry)
      entry.failures.succeed()
      this.setState(key, entry, 'active')
    }
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

  // The cache changed (a snapshot landed, events were applied). When it has just come to show
  // a running job, a list armed with the idle interval while nothing ran would wait up to
  // 30 s more: it is rescheduled at the busy interval.
  noteCacheChange () {
    const busy = this.isBusy()
    const becameBusy = busy && !this.wasBusy
    this.wasBusy = busy
    if (!becameBusy || !this.canPoll()) return
    for (const [key, entry] of this.keys) {
      if (entry.state === 'active' && this.describeKey(key).kind === 'list') this.schedule(key, entry)
    }
  }

  // The job reached completed|failed|cancelled: read its detail (and files) once more
  // shortly and stop; read its other keys (logs, a turn's subjobs…) once more now and stop.
  jobTerminal (jobId) {
    for (const [key, entry] of this.keys) {
      if (entry.job !== jobId || entry.finished) continue
      if (!lingers(this.describeKey(key).kind)) {
        entry.finished = true
        this.clear(entry)
        if (this.canPoll()) this.run(key, entry)
      } else if (!entry.lingering) {
        entry.lingering = true
        if (this.canPoll()) this.arm(key, entry, TERMINAL_LINGER_MS)
      }
    }
  }

  // A gap or reset while push runs: reads `key` now and, while polling is off, retries a
  // failed read on the key's preset backoff until one succeeds or maxRetries is reached.
  // Returns false for a key nobody watches (the caller reads it once itself).
  refreshAfterGap (key) {
    const entry = this.keys.get(key)
    if (!entry) return false
    this.retry(key, entry)
    return true
  }

  async retry (key, entry) {
    const ok = await this.revalidateOnce(key, entry)
    if (ok === null) return
    if (this.keys.get(key) !== entry) return
    if (ok) {
      entry.failures.succeed()
      if (entry.state === 'error') this.setState(key, entry, 'active')
      return
    }
    entry.failures.fail()
    if (this.active) return // polling runs: its own schedule reads the key again
    const delay = presetRetryDelay(this.presets[entry.preset], entry.failures.failures, this.intervalFor(key, entry))
    if (delay === null) { this.setState(key, entry, 'error'); return }
    this.clear(entry)
    entry.timer = this.env.setTimeout(() => {
      entry.timer = null
      if (!this.active) this.retry(key, entry)
    }, delay)
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
      if (entry.finished) continue
      if (entry.state !== 'active') this.resume(key, entry) // the page came back: focus
      else this.run(key, entry)
    }
  }

  restartTimers () {
    for (const [key, entry] of this.keys) {
      this.clear(entry)
      if (this.canPoll() && entry.state === 'active') this.schedule(key, entry)
    }
  }

  // Back to the start of the preset, with a read now: by polling, or (push running, the key
  // stopped after failed refreshes) by one more try on the preset backoff.
  resume (key, entry) {
    entry.since = this.env.now()
    this.setState(key, entry, 'active')
    if (this.canPoll()) this.run(key, entry)
    else if (!this.active) this.retry(key, entry)
  }

  setState (key, entry, state) {
    if (entry.state === state) return
    entry.state = state
    for (const listener of [...this.stateListeners]) listener(key, state)
  }

  intervalFor (key, entry) {
    const { kind } = this.describeKey(key)
    if (lingers(kind) && this.ended(entry)) return TERMINAL_LINGER_MS
    const idle = kind === 'list' && !this.isBusy() && !this.grace.active()
    return presetInterval(this.presets[entry.preset], kind, { idle, elapsedMs: this.env.now() - entry.since })
  }

  ended (entry) { return entry.job !== undefined && this.isTerminal(entry.job) }

  schedule (key, entry) {
    const { kind } = this.describeKey(key)
    if (entry.finished) return
    const ended = this.ended(entry)
    if (ended && !lingers(kind)) { entry.finished = true; return }
    if (ended) {
      if (entry.lingering) { entry.finished = true; return }
      entry.lingering = true
    }
    const preset = this.presets[entry.preset]
    const delay = presetRetryDelay(preset, entry.failures.failures, this.intervalFor(key, entry))
    if (delay === null) { this.setState(key, entry, 'error'); return }
    if (preset.stopAfterMs !== null && !ended && this.env.now() + delay - entry.since > preset.stopAfterMs) {
      this.setState(key, entry, 'paused')
      return
    }
    this.arm(key, entry, delay)
  }

  arm (key, entry, delayMs) {
    this.clear(entry)
    entry.timer = this.env.setTimeout(() => {
      entry.timer = null
      this.run(key, entry)
    }, delayMs)
  }

  // One revalidation of the key at a time: null when one is already running, else whether
  // it succeeded.
  async revalidateOnce (key, entry) {
    if (entry.running) return null
    entry.running = true
    try {
      return await this.revalidate(key)
    } catch {
      return false
    } finally {
      entry.running = false
    }
  }

  async run (key, entry) {
    const ok = await this.revalidateOnce(key, entry)
    if (ok === null) return
    if (ok) {
      entry.failures.succeed()
      if (entry.state === 'error') this.setState(key, entry, 'active')
    } else {
      entry.failures.fail()
    }
    if (this.keys.get(key) === entry && entry.timer === null && entry.state === 'active' && this.canPoll()) {
      this.schedule(key, entry)
    }
  }

  clear (entry) {
    if (entry.timer !== null) {
      this.env.clearTimeout(entry.timer)
      entry.timer = null
    }
  }
}
