// How a stream (SSE, WebSocket) moves events from its feed to its socket without letting a
// slow reader pile them up in memory: it takes small chunks while the connection's buffer is
// under its low watermark, at most a batch per loop turn so one busy stream cannot hold the
// loop. When the buffer is above the watermark it waits for the socket to drain; meanwhile
// the hub's bounded queue absorbs, until it overflows or the wait passes a quarter of the
// stall timeout and the queue is shed: either way the stream catches up from the log. A
// reader that stops for good is dropped by the connection's stall check.
#pragma once

#include <cstddef>

#include "http/connection.h"
#include "http/feed.h"
#include "http/mailbox.h"

namespace jobwire::http {

inline constexpr size_t kTakeChunk = 16;
inline constexpr size_t kTakeBatch = 512;

// Calls deliver(Delivery&) for each chunk taken, then flushes and arranges the next take.
template <class Deliver>
void pump_feed(Mailbox& mailbox, Connection& conn, Feed& feed, Deliver&& deliver) {
  size_t taken = 0;
  while (!conn.closing() && conn.writable() && taken < kTakeBatch) {
    Delivery delivery = feed.take(kTakeChunk);
    taken += delivery.events.size();
    bool more = delivery.events.size() == kTakeChunk || delivery.gap || delivery.reset;
    deliver(delivery);
    if (!more) break;
  }
  conn.flush();
  if (conn.closing() || !feed.ready()) return;
  if (conn.writable()) {
    mailbox.post_ready(conn.id());  // more to take: after the other streams had their turn
  } else {
    conn.wait_for_drain();
  }
}

}  // namespace jobwire::http
