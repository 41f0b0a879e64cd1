// Which way events reach this client, and how healthy that is.
//
// Modes: 'auto' (the best push transport this page has; on repeated failure, polling,
// and back to push by itself once it works again), 'realtime' (the same, except that the
// way back is offered to the user instead of taken), 'polling' (snapshot polling only).
// Status: 'connected' | 'reconnecting' | 'error', shown as Live | Delayed | Offline.
//
// Push failures are retried twice (after 1 s and 2 s); the third in a row falls back to
// snapshot polling, which keeps the screen current under the polling policy, while push
// is probed again on the backoff schedule (and at once whenever a poll succeeds).

import { backoffDelay, FAILURES_BEFORE_BACKOFF } from './policy/backoff.js'

export const STATUS_LABELS = Object.freeze({ connected: 'Live', reconnecting: 'Delayed', error: 'Offline' })
export const MODES = Object.freeze(['auto', 'realtime', 'polling'])
const RETRY_DELAYS_MS = [1_000, 2_000]

export class ConnectionManager {
  // pushNames: usable push transports, best first; makeTransport(name) → transport;
  // cursor(): Promise<number|null> the seq to resume after; poller: the 'poll' transport;
  // handlers: {events(batch, transportName), hello(hello), gap(), reset(), pushOpened()}.
  constructor ({ env, mode, pushNames, makeTransport, cursor, poller, handlers }) {
    this.env = env
    this.mode = mode
    this.pushNames = pushNames
    this.makeTransport = makeTransport
    this.cursor = cursor
    this.poller = poller
    this.handlers = handlers
    this.listeners = new Set()
    this.transport = null      // the push transport running now
    this.probing = false       // the running transport is a probe made while polling
    this.polling = false
    this.pushFailures = 0
    this.pollFailures = 0
    this.probeAttempts = 0
    this.probeIndex = 0        // which push transport the next probe tries
    this.timer = null
    this.started = false
    this.state = { status: 'reconnecting', transport: null, mode, lastUpdate: 0, fallback: false, offer: false }
    this.disposers = [
      env.onVisibilityChange(() => this.onEnvironmentChange()),
      env.onOnlineChange(() => this.onEnvironmentChange())
    ]
  }

  get () { return this.state }

  subscribe (listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  start () {
    this.started = true
    if (this.mode === 'polling' || this.pushNames.length === 0) this.startPolling({ fallback: false })
    else this.connect(this.pushNames[0], { probe: false })
  }

  setMode (mode) {
    if (!MODES.includes(mode)) throw new TypeError(`mode must be one of ${MODES.join(', ')}`)
    this.mode = mode
    this.stopAll()
    this.update({ mode, offer: false, fallback: false })
    if (this.started) this.start()
  }

  // The user takes the offer to leave fallback polling for push.
  switchBack () {
    if (!this.state.offer) return
    this.stopAll()
    this.update({ offer: false, fallback: false })
    this.connect(this.pushNames[0], { probe: false })
  }

  // The refresh button: if push is down, try it now rather than at the next backoff.
  retryNow () {
    if (!this.started || this.mode === 'polling' || this.transport) return
    this.clearTimer()
    this.connect(this.nextProbeName(), { probe: this.polling })
  }

  stop () {
    this.started = false
    this.stopAll()
    for (const dispose of this.disposers) dispose()
  }

  // Reported by the snapshot loader while polling: the server answered (ok) or did not.
  pollResult (ok) {
    if (!this.polling) return
    if (ok) {
      this.pollFailures = 0
      this.update({ status: 'connected', lastUpdate: this.env.now() })
      // The server is back: no reason to wait for the next probe.
      if (this.state.fallback && !this.transport && !this.state.offer && this.canConnect()) {
        this.clearTimer()
        this.connect(this.nextProbeName(), { probe: true })
      }
    } else {
      this.pollFailures += 1
      this.probeIndex = 0 // the server is away: a failed probe said nothing about its transport
      this.update({ status: this.pollFailures >= FAILURES_BEFORE_BACKOFF ? 'error' : 'reconnecting' })
    }
  }

  // Restarts the running push transport from the current cursor (after a reset).
  restart () {
    if (!this.transport || this.probing) return
    const name = this.transport.name
    this.stopTransport()
    this.connect(name, { probe: false })
  }

  // --- internals ---

  canConnect () { return this.env.isVisible() && this.env.isOnline() }

  async connect (name, { probe }) {
    this.clearTimer()
    this.stopTransport()
    if (!this.canConnect()) return // onEnvironmentChange resumes
    const transport = this.makeTransport(name)
    this.transport = transport
    this.probing = probe
    let after
    try {
      after = await this.cursor()
    } catch {
      if (this.transport === transport) this.failed(transport)
      return
    }
    if (this.transport !== transport) return
    this.update({ transport: probe ? this.state.transport : name })
    transport.start(after, this.sinkFor(transport))
  }

  sinkFor (transport) {
    const mine = () => this.transport === transport
    return {
      open: () => { if (mine()) this.opened(transport) },
      hello: (hello) => { if (mine()) this.handlers.hello(hello) },
      events: (batch) => {
        if (!mine()) return
        this.state.lastUpdate = this.env.now()
        this.handlers.events(batch, transport.name)
      },
      gap: () => { if (mine()) this.handlers.gap() },
      reset: () => { if (mine()) this.handlers.reset() },
      // The link is up but the server's store is not ({delayed: true}): Delayed, not Live,
      // until a heartbeat says it is back.
      heartbeat: (beat) => {
        if (!mine() || this.polling || this.probing || typeof beat.delayed !== 'boolean') return
        this.update({ status: beat.delayed ? 'reconnecting' : 'connected' })
      },
      fail: () => { if (mine()) this.failed(transport) }
    }
  }

  opened (transport) {
    this.pushFailures = 0
    this.probeAttempts = 0
    if (this.probing) {
      if (this.mode === 'realtime') {
        // Offer the way back; keep polling until the user takes it.
        this.stopTransport()
        this.update({ offer: true })
        return
      }
      this.probing = false
      this.stopPolling()
      this.update({ fallback: false })
    }
    this.update({ status: 'connected', transport: transport.name, lastUpdate: this.env.now() })
    this.handlers.pushOpened()
  }

  failed (transport) {
    this.stopTransport()
    if (this.probing || this.polling) {
      this.probing = false
      // The server answers polls but this transport failed: something on the way (a
      // proxy) breaks it, so the next probe tries the next one.
      if (this.pollFailures === 0 && this.state.status === 'connected') this.probeIndex += 1
      this.scheduleProbe()
      return
    }
    this.pushFailures += 1
    if (this.pushFailures >= FAILURES_BEFORE_BACKOFF) {
      this.startPolling({ fallback: true })
      this.scheduleProbe()
      return
    }
    this.update({ status: 'reconnecting' })
    this.arm(RETRY_DELAYS_MS[this.pushFailures - 1], () => this.connect(transport.name, { probe: false }))
  }

  startPolling ({ fallback }) {
    this.polling = true
    this.pollFailures = 0
    this.update({ transport: 'poll', fallback, status: fallback ? 'reconnecting' : this.state.status })
    this.poller.start()
  }

  stopPolling () {
    this.polling = false
    this.poller.stop()
  }

  scheduleProbe () {
    if (this.mode === 'polling' || this.state.offer) return
    this.probeAttempts += 1
    const delay = backoffDelay(this.probeAttempts + FAILURES_BEFORE_BACKOFF - 1, 0)
    this.arm(delay, () => this.connect(this.nextProbeName(), { probe: true }))
  }

  // Realtime sticks to the best push transport; auto moves down the list when one fails
  // while the server is reachable (see failed).
  nextProbeName () {
    if (this.mode !== 'auto') return this.pushNames[0]
    return this.pushNames[this.probeIndex % this.pushNames.length]
  }

  onEnvironmentChange () {
    if (!this.started) return
    if (!this.canConnect()) {
      // Hidden: stop asking. A long-poll is a request every 50 s, so it stops too; SSE,
      // WebSocket and IPC are one connection that costs nothing while idle. Offline: the
      // connection is gone whatever it was; it is made again, from the cursor, when the
      // network returns.
      this.clearTimer()
      const offline = !this.env.isOnline()
      const name = this.transport && this.transport.name
      if (name === 'ipc') return // inside the desktop app: no network involved
      if (name && (offline || name === 'longpoll' || this.probing)) this.stopTransport()
      if (offline) this.update({ status: 'error' })
      return
    }
    if (this.mode === 'polling' || this.transport || this.state.offer) return
    if (this.polling) this.connect(this.nextProbeName(), { probe: true })
    else this.connect(this.pushNames.includes(this.state.transport) ? this.state.transport : this.pushNames[0], { probe: false })
  }

  stopAll () {
    this.clearTimer()
    this.stopTransport()
    this.stopPolling()
    this.probing = false
    this.pushFailures = 0
    this.probeAttempts = 0
    this.probeIndex = 0
  }

  stopTransport () {
    if (this.transport) {
      const t = this.transport
      this.transport = null
      t.stop()
    }
  }

  arm (delay, fn) {
    this.clearTimer()
    this.timer = this.env.setTimeout(() => { this.timer = null; fn() }, delay)
  }

  clearTimer () {
    if (this.timer !== null) { this.env.clearTimeout(this.timer); this.timer = null }
  }

  update (patch) {
    let changed = false
    for (const [name, value] of Object.entries(patch)) {
      if (this.state[name] !== value) changed = true
    }
    if (!changed) return
    this.state = { ...this.state, ...patch }
    for (const listener of [...this.listeners]) listener(this.state)
  }
}
