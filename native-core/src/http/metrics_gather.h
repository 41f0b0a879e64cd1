// GET /metrics across loops. Each loop keeps its counters on its own thread, so the loop that
// serves the request asks every other loop, through its mailbox, for a report made on that
// loop's thread, and answers once all have replied: no counter is shared between threads and
// the hot paths that count stay plain increments.
#pragma once

#include <array>
#include <cstddef>

#include "http/metrics.h"
#include "http/session.h"

namespace jobwire::http {

class Connection;
class ServerLoop;

// What one loop reports, read on its own thread.
struct LoopReport {
  Metrics metrics;
  std::array<size_t, kTransportCount> connections{};  // open, by transport
  StreamGauges streams;                                // held bytes and frames (queue_drops: 0, the core adds it once)
};

// Answers /metrics on `conn` of loop `here`: at once with one loop, otherwise once every
// loop has reported (a loop that is shutting down reports nothing and is not waited for).
void answer_metrics(ServerLoop& here, Connection& conn);

}  // namespace jobwire::http
