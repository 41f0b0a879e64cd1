// Long-poll: GET /api/events?after=N&wait=25 in a loop. The server answers at once when
// events are there and otherwise after up to `wait` seconds with none; `next` is the
// cursor to ask from next time, even when every event was filtered out. HTTP 410 means
// the cursor is older than retention.

import { filterParams } from './shared.js'

export const LONG_POLL_WAIT_S = 25
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
          // With no cursor yet, a first short call learns where the log is.
          page = await http.getJson('/api/events', {
            ...filterParams(filters),
            after: cursor ?? undefined,
            limit: PAGE_LIMIT,
            wait: cursor === null ? 0 : LONG_POLL_WAIT_S
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
        cursor = typeof page.next === 'number' ? page.next : cursor
        if (cursor === null || cursor === undefined) cursor = 0
      }
    }
    loop(after ?? null)
  }

  return { name: 'longpoll', start, stop }
}
