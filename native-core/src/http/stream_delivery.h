// How a stream (SSE, WebSocket) moves events from its subscription to its socket without
// letting a slow reader pile them up in memory: it takes small chunks until a send answers `buffered`
// (the connection's buffer passed its low watermark), at most a batch per loop turn so one
// busy stream cannot hold the loop. Then, with events still to take, it waits for the socket
// to drain (Connection::wait_for_drain); meanwhile the hub's bounded queue absorbs, until it
// overflows or the wait passes a quarter of the stall timeout and the queue is shed: either
// way the stream catches up from the log. A reader that stops for good is dropped by the
// connection's stall check. A wake that comes while the buffer is past the watermark is held
// by the connection until the drain, so a delivery never starts on a full buffer.
#pragma once

#include <cstddef>

#include "http/connection.h"
#include "http/stream_subscription.h"
#include "http/mailbox.h"

namespace jobwire::http {

inline constexpr size_t kTakeChunk = 16;
inline constexpr size_t kTakeBatch = 512;

// Calls deliver(Delivery&) for each chunk taken, which sends it and returns the worst of
// its sends' answers; then flushes and arranges the next take.
template <class Deliver>
void deliver_to_socket(Mailbox& mailbox, Connection& conn, StreamSubscription& subscription, Deliver&& deliver) {
  size_t taken = 0;
  SendResult sent = SendResult::sent;
  while (sent == SendResult::sent && taken < kTakeBatch) {
    Delivery delivery = subscription.take(kTakeChunk);
    taken += delivery.events.size();
    bool more = delivery.events.size() == kTakeChunk || delivery.gap || delivery.reset;
    sent = deliver(delivery);
    if (!more) break;
  }
  // The flush may hand the socket enough to bring the buffer back under the watermark.
  sent = conn.flush();
  if (sent == SendResult::dropped || !subscription.ready()) return;
  if (sent == SendResult::sent) {
    mailbox.post_ready(conn.id());  // more to take: after the other streams had their turn
  } else {
    conn.wait_for_drain();
  }
}

}  // namespace jobwire::http
