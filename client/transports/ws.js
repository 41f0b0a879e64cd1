// WebSocket: the same envelopes as JSON text frames (one envelope or an array of them per
// frame), and control messages {type: "hello"|"gap"|"reset"|"pong"|"heartbeat"}. The
// cursor goes in the upgrade request (/ws?after=N), so the stream starts at the right
// place; a {"type":"resume"} sent after open would race with events already streaming
// from the head. jobwired sends a heartbeat every 20 s, so a link that brings no frame at
// all for 65 s is dead: the transport closes it and reports the failure. (The client
// never pings: the server's heartbeat already proves the link, at no cost to this side.)

import { parseJson, filterParams } from './shared.js'

const CHECK_EVERY_MS = 30_000
const SILENCE_LIMIT_MS = 65_000
const CONTROL = new Set(['hello', 'gap', 'reset', 'pong', 'heartbeat', 'error'])

export function createWsTransport ({ http, win = globalThis, env, filters, getToken = () => undefined }) {
  let socket = null
  let watchdog = null
  let lastFrame = 0

  function clearWatchdog () {
    if (watchdog !== null) { env.clearTimeout(watchdog); watchdog = null }
  }

  function stop () {
    clearWatchdog()
    if (socket) {
      const s = socket
      socket = null
      try { s.close() } catch { /* already closed */ }
    }
  }

  function wsUrl (after) {
    const token = getToken()
    const httpUrl = http.url('/ws', { ...filterParams(filters), after: after ?? undefined, access_token: token || undefined })
    const absolute = new URL(httpUrl, win.location ? win.location.href : 'http://127.0.0.1/')
    absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:'
    return absolute.toString()
  }

  function start (after, sink) {
    stop()
    const s = new win.WebSocket(wsUrl(after))
    socket = s
    const alive = () => socket === s
    let opened = false

    const fail = (why) => {
      if (!alive()) return
      stop()
      sink.fail(new Error(why))
    }
    const watch = () => {
      clearWatchdog()
      watchdog = env.setTimeout(() => {
        if (!alive()) return
        if (env.now() - lastFrame > SILENCE_LIMIT_MS) return fail('the WebSocket went silent')
        watch()
      }, CHECK_EVERY_MS)
    }

    s.addEventListener('open', () => {
      if (!alive()) return
      opened = true
      lastFrame = env.now()
      sink.open()
      watch()
    })
    s.addEventListener('message', (message) => {
      if (!alive()) return
      lastFrame = env.now()
      const payload = parseJson(message.data)
      if (payload === undefined) return
      const items = Array.isArray(payload) ? payload : [payload]
      const batch = []
      for (const item of items) {
        if (item && typeof item.seq === 'number' && !CONTROL.has(item.type)) { batch.push(item); continue }
        if (batch.length) sink.events(batch.splice(0))
        if (!item) continue
        if (item.type === 'hello') sink.hello(item)
        else if (item.type === 'gap') sink.gap()
        else if (item.type === 'reset') sink.reset()
        else if (item.type === 'heartbeat') sink.heartbeat(item)
      }
      if (batch.length) sink.events(batch)
    })
    s.addEventListener('close', () => fail(opened ? 'the WebSocket closed' : 'the WebSocket could not be opened'))
    s.addEventListener('error', () => fail('the WebSocket failed'))
  }

  return { name: 'ws', start, stop }
}
