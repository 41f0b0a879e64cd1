// Server-Sent Events over EventSource. EventSource only hands over named events it has a
// listener for, so the transport listens for every envelope type of DESIGN.md, the
// control messages, and the producer types the caller names (`customTypes`, e.g.
// "x.intervention_request"). The transport closes the EventSource on the first error
// instead of letting it retry on its own, and reopens from the cursor via ?after=N (the
// query form of Last-Event-ID), so the manager sees every failure and counts it.

import { parseJson, filterParams } from './shared.js'

export const ENVELOPE_TYPES = ['job.created', 'job.status', 'job.progress', 'job.log', 'job.file', 'job.updated']

export function createSseTransport ({ http, win = globalThis, filters, customTypes = [], getToken = () => undefined }) {
  let source = null
  let stopped = true

  function stop () {
    stopped = true
    if (source) { source.close(); source = null }
  }

  function start (after, sink) {
    stop()
    stopped = false
    const token = getToken()
    const url = http.url('/api/events/stream', {
      ...filterParams(filters),
      after: after ?? undefined,
      access_token: token || undefined
    })
    const es = new win.EventSource(url)
    source = es
    const alive = () => !stopped && source === es
    let opened = false

    const onEnvelope = (message) => {
      if (!alive()) return
      const event = parseJson(message.data)
      if (!event || typeof event.seq !== 'number') return
      if (!opened) { opened = true; sink.open() }
      sink.events([event])
    }
    for (const type of [...ENVELOPE_TYPES, ...customTypes, 'message']) es.addEventListener(type, onEnvelope)
    es.addEventListener('hello', (message) => {
      if (!alive()) return
      if (!opened) { opened = true; sink.open() }
      sink.hello(parseJson(message.data) || {})
    })
    es.addEventListener('gap', () => { if (alive()) sink.gap() })
    // Sent while the server's store cannot be reached ({delayed: true}) and once when it is back.
    es.addEventListener('heartbeat', (message) => { if (alive()) sink.heartbeat(parseJson(message.data) || {}) })
    es.addEventListener('reset', () => { if (alive()) sink.reset() })
    es.addEventListener('open', () => {
      // The stream is open once headers arrive; hello follows at once on jobwired.
      if (alive() && !opened) { opened = true; sink.open() }
    })
    es.addEventListener('error', () => {
      if (!alive()) return
      stop()
      sink.fail(new Error(opened ? 'the event stream was lost' : 'the event stream could not be opened'))
    })
  }

  return { name: 'sse', start, stop }
}
