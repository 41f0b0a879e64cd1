// Long-poll: GET /api/events?after=N&wait=50 in a loop (50 s: under the 60 s idle limit
// common to proxies, and an idle page costs 72 requests an hour). The server answers at once when
// events are there and otherwise after up to `wait` seconds with none; `next` is the
// cursor to ask from next time, even when every event was filtered out. HTTP 410 means
// the cursor is older than retention.

import { filterParams } from './shared.js'

export const LONG_POLL_WAIT_S = 50
const PAGE_LIMIT = 1_000

export function createLongPollTransport ({ http, filters }) {
  let controller = null

  function stop () {
    if (controller) { controller.abort(); controller = null }
  }

  function start (after, sink) {
    stop()
    const own = new AbortController()
    controller = own
    const alive = () => controller === own
    let opened = false

    const loop = async (cursor) => {
      while (alive()) {
        let page
        try {
          page = await http.getJson('/api/events', {
            ...filterParams(filters),
            after: cursor,
            limit: PAGE_LIMIT,
            // The first call answers at once, so the page knows it is connected.
            wait: opened ? LONG_POLL_WAIT_S : 0
          }, { signal: own.signal })
        } catch (error) {
          if (!alive()) return
          stop()
          if (error.status === 410) { sink.reset(); return }
          sink.fail(error)
          return
        }
        if (!alive()) return
        if (!opened) { opened = true; sink.open() }
        if (page.events && page.events.length) sink.events(page.events)
        if (!alive()) return
        if (typeof page.next === 'number') cursor = page.next
      }
    }
    loop(after)
  }

  return { name: 'longpoll', start, stop }
}
