// Inside the Electron app: the preload exposes window.jobwire = {subscribe, query, resume,
// version}. subscribe(fn) hands over batches of envelopes and returns an unsubscribe
// function; resume(after) answers {events, next} or {reset: true}. Live batches are held
// back while the resume answer is pending, then replayed past what the resume gave, so
// nothing is lost or doubled between the two.

export function createIpcTransport ({ win = globalThis }) {
  let unsubscribe = null
  let generation = 0

  function stop () {
    generation += 1
    if (unsubscribe) { const u = unsubscribe; unsubscribe = null; u() }
  }

  function start (after, sink) {
    stop()
    const bridge = win.jobwire
    const mine = ++generation
    const alive = () => generation === mine
    let held = []
    let catchingUp = true
    let cursor = after

    const deliver = (batch) => {
      const fresh = batch.filter((event) => event.seq > cursor)
      if (fresh.length === 0) return
      cursor = fresh[fresh.length - 1].seq
      sink.events(fresh)
    }

    try {
      const off = bridge.subscribe((batch) => {
        if (!alive() || !Array.isArray(batch)) return
        if (catchingUp) held.push(...batch)
        else deliver(batch)
      })
      unsubscribe = typeof off === 'function' ? off : null
    } catch (error) {
      sink.fail(error)
      return
    }
    sink.open()
    Promise.resolve(bridge.resume(after)).then((answer) => {
      if (!alive()) return
      if (!answer || answer.reset) { catchingUp = false; held = []; sink.reset(); return }
      deliver(answer.events || [])
      catchingUp = false
      const waiting = held
      held = []
      deliver(waiting)
    }, (error) => {
      if (!alive()) return
      stop()
      sink.fail(error)
    })
  }

  return { name: 'ipc', start, stop }
}
