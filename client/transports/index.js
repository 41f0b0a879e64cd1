// The event transports. Each is a factory ({http, env, cursor, filters, ...}) → transport:
//
//   transport.name                 'ipc' | 'sse' | 'ws' | 'longpoll'
//   transport.start(after, sink)   connect and deliver the events with seq > after
//   transport.stop()               close; no sink call happens after it returns
//
// and it reports to the sink:
//   sink.open()                     connected: events flow from here on
//   sink.hello({seq, oldest, epoch}) the server's position, when the transport has one
//   sink.events(batch)              envelopes in seq order (may repeat already-seen seqs)
//   sink.gap()                      the server dropped events for this connection
//   sink.reset()                    the cursor is older than retention: refetch snapshots
//   sink.heartbeat({delayed})       the link is up, and the server's store is (false) or
//                                   is not (true) reachable: Live or Delayed
//   sink.fail(error)                the connection failed or was lost; the transport is
//                                   stopped and the connection manager decides what next
// A transport never retries by itself: retries, backoff and fallback are the manager's.

import { createIpcTransport } from './ipc.js'
import { createSseTransport } from './sse.js'
import { createWsTransport } from './ws.js'
import { createLongPollTransport } from './longpoll.js'

export const PUSH_TRANSPORTS = {
  ipc: createIpcTransport,
  sse: createSseTransport,
  ws: createWsTransport,
  longpoll: createLongPollTransport
}

// The push transports this page can use, best first: IPC inside the desktop app, then
// SSE, WebSocket, long-poll (fetch). Snapshot polling ('poll') is always possible.
export function availablePushTransports (win = globalThis) {
  const names = []
  if (win.jobwire && typeof win.jobwire.subscribe === 'function') names.push('ipc')
  if (typeof win.EventSource === 'function') names.push('sse')
  if (typeof win.WebSocket === 'function') names.push('ws')
  if (typeof win.fetch === 'function') names.push('longpoll')
  return names
}
