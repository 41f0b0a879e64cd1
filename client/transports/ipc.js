// Inside the Electron app: the preload exposes window.jobwire = {subscribe, query, resume,
// version}. subscribe(fn, {after}) hands over the events after `after`, then the live ones,
// each seq once (the main process's native subscription seams the log to the live feed);
// it returns the unsubscribe function. A batch may also carry the
// control messages {type: 'reset', next} (refetch snapshots) and {type: 'error', message}.

const isEnvelope = (message) => typeof message.seq === 'number'

export function createIpcTransport ({ win = globalThis }) {
  let unsubscribe = null

  function stop () {
    if (unsubscribe) { const u = unsubscribe; unsubscribe = null; u() }
  }

  function start (after, sink) {
    stop()
    let mine = null
    const alive = () => unsubscribe !== null && unsubscribe === mine
    try {
      mine = win.jobwire.subscribe((batch) => {
        if (!alive() || !Array.isArray(batch)) return
        const events = batch.filter(isEnvelope)
        if (events.length) sink.events(events)
        if (batch.some((message) => message.type === 'reset')) sink.reset()
        const error = batch.find((message) => message.type === 'error')
        if (error && alive()) { stop(); sink.fail(new Error(error.message || 'the desktop bridge failed')) }
      }, { after })
    } catch (error) {
      sink.fail(error)
      return
    }
    unsubscribe = mine
    sink.open()
  }

  return { name: 'ipc', start, stop }
}
