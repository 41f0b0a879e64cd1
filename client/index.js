// jobwire's browser client: the same module in Electron's renderer and in the web build.
//
//   const client = createClient({ baseUrl: 'http://127.0.0.1:7700', transport: 'auto' })
//   const stop = client.watch(jobsKey({ status: 'running' }))   // keep this key current
//   await client.load(jobsKey())                                 // read it (shared, ETag)
//   client.store.subscribe((keys) => render(keys))               // snapshots changed
//   client.connection.subscribe((state) => badge(state))         // Live / Delayed / Offline
//
// transport: 'auto' (ipc when window.jobwire exists, else sse, ws, longpoll, poll) or one
// of 'ipc' | 'sse' | 'ws' | 'longpoll' | 'poll' to pin it. The user's later choice of
// mode (client.setMode) is remembered and wins over the option.

import { browserEnvironment } from './policy/environment.js'
import { resolvePolling, pollingFromDataset, pollingFromServer, validateInterval } from './policy/intervals.js'
import { PollScheduler } from './policy/poll-scheduler.js'
import { validatePreset } from './policy/validate-preset.js'
import { SnapshotStore } from './cache/store.js'
import { SnapshotLoader, ipcSnapshotSource, ipcRequest } from './loader.js'
import { ConnectionManager, MODES } from './connection.js'
import { PUSH_TRANSPORTS, availablePushTransports } from './transports/index.js'
import { createPollTransport } from './transports/poll.js'
import { createHttp, epochOfEtag } from './http.js'
import { createSettings } from './settings.js'
import { createActions } from './actions.js'
import { parseKey } from './keys.js'
import { isTerminalStatus } from './cache/job-patch.js'

export { jobsKey, jobKey, logsKey, filesKey, fileChangesKey, jobSetKey, timelineKey, parseKey } from './keys.js'
export { STATUS_LABELS, MODES } from './connection.js'
export { validateInterval, MIN_INTERVAL_MS, MAX_INTERVAL_MS } from './policy/intervals.js'
export { validatePreset } from './policy/validate-preset.js'
export { TURN_PRESET, dashboardPreset } from './policy/presets.js'
export { isTerminalStatus } from './cache/job-patch.js'

const TRANSPORTS = ['auto', 'ipc', 'sse', 'ws', 'longpoll', 'poll']

export function createClient (options = {}) {
  const {
    baseUrl = '',
    transport = 'auto',
    token,
    filters,
    customEventTypes = [],
    win = globalThis,
    env = browserEnvironment(win),
    fetch = win.fetch ? win.fetch.bind(win) : undefined,
    storage,
    polling: pollingOption,
    presets: presetsOption = {},
    shareWindowMs,
    maxInFlight
  } = options
  if (!TRANSPORTS.includes(transport)) throw new TypeError(`transport must be one of ${TRANSPORTS.join(', ')}`)
  const presets = checkPresets(presetsOption)
  if (typeof baseUrl !== 'string') throw new TypeError('baseUrl must be a string')
  if (transport === 'ipc' && !win.jobwire) throw new TypeError("transport 'ipc' needs window.jobwire (the Electron preload)")

  let currentToken = token
  const getToken = () => (typeof currentToken === 'function' ? currentToken() : currentToken)
  const http = createHttp({ baseUrl, getToken, fetch })
  const settings = createSettings(storage === undefined ? undefined : storage)
  const bridge = win.jobwire && typeof win.jobwire.subscribe === 'function' ? win.jobwire : null
  const useIpc = bridge && (transport === 'auto' || transport === 'ipc')

  // --- polling configuration: defaults < server < <body data-polling-*> < option < user ---
  const bodyDataset = win.document && win.document.body ? win.document.body.dataset : undefined
  const sources = { server: undefined, page: pollingFromDataset(bodyDataset), option: pollingOption, user: undefined }
  const userInterval = settings.intervalMs()
  if (userInterval !== undefined) sources.user = { intervalMs: userInterval }
  let polling = resolvePolling(sources.server, sources.page, sources.option, sources.user)

  // --- the cache and its reads ---
  const store = new SnapshotStore()
  let epoch
  let cursor = null // the last seq applied; null until the log's position is known
  const loader = new SnapshotLoader({
    source: useIpc ? ipcSnapshotSource(bridge) : http,
    store,
    maxInFlight,
    shareWindowMs,
    now: env.now,
    onSnapshot: (key, body, etag) => {
      const snapshotEpoch = body.epoch ?? epochOfEtag(etag)
      if (snapshotEpoch !== undefined) checkEpoch(snapshotEpoch)
      const { terminal } = store.set(key, body, { etag })
      for (const jobId of terminal) scheduler.jobTerminal(jobId)
    }
  })

  // Keys read before the log position was known: their snapshot may predate where the
  // stream starts, so they are read again once it runs (mostly a 304).
  const unanchored = new Set()

  // Reads `key`. With share (components asking), an answer from the last shareWindowMs
  // (500 ms by default) serves; without it (the policy, an event that made the key stale)
  // only a read already under way does.
  async function load (key, { share = true } = {}) {
    // Reading the log's head first anchors this snapshot: the stream will start at or
    // before it. (Polling needs no anchor.)
    if (cursor === null && connection.get().mode !== 'polling') await resumeCursor().catch(() => {})
    if (cursor === null) unanchored.add(key)
    return loader.load(key, { share }).then((data) => {
      connection.pollResult(true)
      return data
    }, (error) => {
      // A 4xx is the server answering; only silence or a 5xx counts against the link.
      connection.pollResult(error.status !== undefined && error.status < 500)
      throw error
    })
  }

  const revalidate = (key) => load(key, { share: false }).then(() => true, () => false)
  const revalidateQuietly = (key) => { load(key, { share: false }).catch(() => {}) }

  const scheduler = new PollScheduler({
    env,
    polling,
    revalidate,
    describeKey: parseKey,
    isTerminal: (jobId) => isTerminalStatus(store.jobStatus(jobId)),
    isBusy: () => store.anyRunning(),
    presets
  })

  store.subscribe(() => scheduler.noteCacheChange())

  // --- events, from whichever transport ---
  function applyEvents (batch) {
    const fresh = cursor === null ? batch : batch.filter((event) => event.seq > cursor)
    if (fresh.length === 0) return
    cursor = fresh[fresh.length - 1].seq
    const { stale, terminal } = store.applyEvents(fresh)
    for (const key of stale) revalidateQuietly(key)
    for (const jobId of terminal) scheduler.jobTerminal(jobId)
    for (const event of fresh) {
      if (event.job) scheduler.noteJobActivity(event.job)
      if (event.parent) scheduler.noteJobActivity(event.parent)
    }
    for (const listener of eventListeners) listener(fresh)
  }

  function checkEpoch (next) {
    if (epoch === undefined) { epoch = next; return }
    if (epoch === next) return
    // Another store answers now (the database was replaced): nothing we hold is valid.
    epoch = next
    reset()
  }

  function reset () {
    cursor = null
    store.invalidateAll()
    refreshAfterGap()
    connection.restart()
  }

  // Every held key is read again; a watched one that fails is retried on its preset's
  // backoff (push keeps running, so no polling would read it again).
  function refreshAfterGap () {
    for (const key of store.keys()) if (!scheduler.refreshAfterGap(key)) revalidateQuietly(key)
  }

  // The position to resume from. Unknown at first: then the head of the log, read from a
  // list snapshot (its seq), after which every snapshot read is at least as new.
  // One read at a time, shared by every caller.
  let headRead = null
  function resumeCursor () {
    if (cursor !== null) return Promise.resolve(cursor)
    if (!headRead) {
      headRead = loader.source.getSnapshot('/api/jobs?limit=1&offset=0').then((head) => {
        const headEpoch = head.body?.epoch ?? epochOfEtag(head.etag)
        if (headEpoch !== undefined) checkEpoch(headEpoch)
        if (cursor === null) cursor = typeof head.body?.seq === 'number' ? head.body.seq : 0
        return cursor
      }).finally(() => { headRead = null })
    }
    return headRead
  }

  const pushNames = transport === 'auto'
    ? availablePushTransports(win).filter((name) => name !== 'ipc' || useIpc)
    : transport === 'poll' ? [] : [transport]
  const transportOptions = { http, win, env, filters, customTypes: customEventTypes, getToken }
  const initialMode = settings.mode() ?? (transport === 'poll' ? 'polling' : 'auto')

  const connection = new ConnectionManager({
    env,
    mode: initialMode,
    pushNames,
    makeTransport: (name) => PUSH_TRANSPORTS[name](transportOptions),
    cursor: resumeCursor,
    poller: createPollTransport({ scheduler }),
    handlers: {
      events: applyEvents,
      hello: (hello) => { if (hello.epoch !== undefined) checkEpoch(hello.epoch) },
      gap: refreshAfterGap,
      reset,
      pushOpened: () => {
        const keys = [...unanchored]
        unanchored.clear()
        for (const key of keys) revalidateQuietly(key)
      }
    }
  })

  const eventListeners = new Set()
  const watchers = new Map() // key → how many watch() calls hold it
  const actions = createActions({
    send: useIpc
      ? (method, path, body) => ipcRequest(bridge, { method, path, body })
      : (method, path, body) => http.send(method, path, body),
    store,
    onSubmit: () => scheduler.noteSubmit(),
    revalidate: revalidateQuietly
  })

  async function readServerPolling () {
    try {
      const body = useIpc ? await ipcRequest(bridge, '/api/config/polling') : await http.getJson('/api/config/polling')
      sources.server = pollingFromServer(body)
      applyPolling()
    } catch { /* an older server: the defaults and the page's attributes stand */ }
  }

  function applyPolling () {
    polling = resolvePolling(sources.server, sources.page, sources.option, sources.user)
    scheduler.setPolling(polling)
  }

  const client = {
    store,
    connection,
    baseUrl,
    http,

    started: false,
    start () {
      if (client.started) return client
      client.started = true
      readServerPolling()
      connection.start()
      return client
    },
    stop () {
      connection.stop()
      scheduler.dispose()
    },

    // Keeps `key` current for as long as the returned disposer has not been called:
    // read now if not held, patched by events, polled under the preset `policy`
    // ('dashboard' by default, 'turn', or one given to createClient) while polling;
    // `job` ties a key that names no job (a turn's subjobs) to the job it follows.
    watch (key, { policy, job } = {}) {
      const release = scheduler.watch(key, { policy, job })
      watchers.set(key, (watchers.get(key) || 0) + 1)
      if (!store.has(key)) load(key).catch(() => {})
      let released = false
      return () => {
        if (released) return
        released = true
        release()
        const left = watchers.get(key) - 1
        if (left > 0) { watchers.set(key, left); return }
        watchers.delete(key)
        store.forget(key)
      }
    },
    load,
    get: (key) => store.get(key),
    // 'active' | 'paused' (a turn polled past its preset's stopAfterMs) | 'error' (its
    // maxRetries failures), or undefined when `key` is not watched.
    pollState: (key) => scheduler.stateOf(key),
    onPollState: (listener) => scheduler.onStateChange(listener),
    refresh () {
      connection.retryNow()
      return scheduler.refreshAll()
    },

    get mode () { return connection.get().mode },
    setMode (mode) {
      if (!MODES.includes(mode)) throw new TypeError(`mode must be one of ${MODES.join(', ')}`)
      settings.setMode(mode)
      connection.setMode(mode)
    },
    switchBack: () => connection.switchBack(),

    get polling () { return polling },
    // The user's polling interval (ms), validated 2–60 s; undefined restores the default.
    setPollingInterval (ms) {
      if (ms !== undefined) {
        const checked = validateInterval(ms)
        if (!checked.ok) throw new RangeError(checked.reason)
        ms = checked.value
      }
      settings.setIntervalMs(ms)
      sources.user = ms === undefined ? undefined : { intervalMs: ms }
      applyPolling()
    },

    setToken (value) { currentToken = value },
    get cursor () { return cursor },
    get epoch () { return epoch },
    onEvents (listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },

    submitJob: actions.submitJob,
    cancelJob: actions.cancelJob
  }
  return client
}

// Validates the app's own presets; the built-in names are taken.
function checkPresets (presets) {
  if (!presets || typeof presets !== 'object') throw new TypeError('presets must be an object of name → preset')
  const checked = {}
  for (const [name, preset] of Object.entries(presets)) {
    if (name === 'dashboard' || name === 'turn') throw new TypeError(`preset ${name} is built in and cannot be redefined`)
    const result = validatePreset(preset)
    if (!result.ok) throw new TypeError(`preset ${name}: ${result.reason}`)
    checked[name] = result.value
  }
  return checked
}
