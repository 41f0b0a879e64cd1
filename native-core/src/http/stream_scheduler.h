// When the loop serves the streams whose subscriptions turned ready. A few at a time are served at
// once (a dashboard, a long-poll never wait). Thousands at once are served in a sweep: a
// list worked through in slices, one slice per loop turn, so requests (a producer's POST,
// a write's acknowledgement, a health check) are served between slices instead of waiting
// behind 10,000 writes. A slice, like a batch served at once, ends when it has spent its
// budget of bytes queued or of time, whichever comes first: a count of streams says nothing
// of how long serving them takes. Sweeps start at most once per tick: each client gets one
// write per tick rather than one per event, and a stream that turns ready again mid-sweep
// waits for the next sweep with its events merged. The tick trades latency for CPU: a write
// costs about the same for 5 events as for 10 (BENCHMARKS.md, issue 15 part 3).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "http/metrics.h"

namespace jobwire::http {

class StreamScheduler {
 public:
  // Serves stream `id`; returns the bytes it queued for its socket.
  using Serve = std::function<size_t(uint64_t id)>;

  // Up to this many ready at once, with no sweep pending, are served at once (within the
  // budget; the rest are swept).
  static constexpr size_t kServeAtOnce = 256;
  // The budget of one slice (or of streams served at once) before the loop turns.
  static constexpr size_t kSliceBytes = 256 * 1024;
  static constexpr uint64_t kSliceNs = 2'000'000;

  StreamScheduler() = default;
  StreamScheduler(const StreamScheduler&) = delete;
  StreamScheduler& operator=(const StreamScheduler&) = delete;

  // Loop thread, before the loop runs. `tick_ms` is the shortest time from the start of one
  // sweep to the start of the next. Each finished sweep is counted in `metrics`.
  void open(uv_loop_t* loop, uint64_t tick_ms, Serve serve, Metrics& metrics);
  // Loop thread: closes the handles (the owner's loop finishes closing them).
  void close();
  // Loop thread: these connections have events to take. The mailbox lists an id once
  // until its subscription is taken, so no sweep holds an id twice.
  void on_ready(const std::vector<uint64_t>& ids);

 private:
  static void on_tick(uv_timer_t* timer);
  static void on_slice(uv_idle_t* idle);
  // Starts a sweep of the waiting ids now, or arms the tick for when one may start.
  void schedule_sweep();
  void start_sweep();
  void end_sweep();
  // Serves ids[next..] until the budget is spent; returns where it stopped.
  size_t serve_within_budget(const std::vector<uint64_t>& ids, size_t next);

  uv_loop_t* loop_ = nullptr;
  uint64_t tick_ms_ = 0;
  Serve serve_;
  Metrics* metrics_ = nullptr;
  uv_timer_t tick_{};   // active while the next sweep waits for its tick
  uv_idle_t slice_{};   // active while a sweep is under way
  uint64_t sweep_started_ms_ = 0;
  uint64_t sweep_started_ns_ = 0;
  std::vector<uint64_t> sweep_;  // the ids of the sweep under way
  size_t swept_ = 0;             // how many of them were served
  std::vector<uint64_t> waiting_;  // turned ready since the sweep began
};

}  // namespace jobwire::http
