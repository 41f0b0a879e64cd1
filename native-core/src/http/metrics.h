// Counters for /metrics, kept by each loop on its own thread (so plain integers), summed
// across loops when /metrics is asked (metrics_gather.h), rendered as Prometheus text
// exposition format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "http/session.h"
#include "jobwire/core.h"

namespace jobwire::http {

// What the streams hold now and what their queues dropped, read when /metrics is asked.
struct StreamGauges {
  uint64_t queue_drops = 0;   // Core::queue_drops()
  size_t held_bytes = 0;      // bytes streams have queued and not yet written (shared frames counted per stream)
  size_t held_frames = 0;     // references to frames those bytes are made of
};

struct Metrics {
  std::map<int, uint64_t> requests_by_status;
  std::array<uint64_t, kTransportCount> deliveries{};  // events written to clients, by transport
  std::array<uint64_t, kTransportCount> gaps{};  // `gap` messages queued to streams, by transport
  uint64_t dropped_clients = 0;  // clients dropped because they stopped reading
  uint64_t refused_connections = 0;  // 503: over the connection cap
  uint64_t accepted_connections = 0;
  // Upper bounds (ms) of the sweep-time histogram's buckets (why sweeps are timed: render()).
  static constexpr std::array<uint64_t, 13> kSweepBucketsMs{1, 5, 10, 25, 50, 75, 100, 125, 150, 200, 250, 500, 1000};
  uint64_t fan_out_sweeps = 0;         // fan-out sweeps finished
  uint64_t fan_out_swept_streams = 0;  // streams they served
  uint64_t fan_out_sweep_ns = 0;       // time they took, start to end
  std::array<uint64_t, kSweepBucketsMs.size()> fan_out_sweeps_within{};  // per bucket, not cumulative
  double events_per_second = 0;  // committed events, sampled about once a second
  int64_t head_seq = 0;

  void count_status(int status) { ++requests_by_status[status]; }
  // Adds another loop's counters to these; the sampled gauges (events_per_second,
  // head_seq) stay these ones: every loop samples the same core.
  void add(const Metrics& other);
  void count_sweep(size_t streams, uint64_t ns) {
    ++fan_out_sweeps;
    fan_out_swept_streams += streams;
    fan_out_sweep_ns += ns;
    for (size_t i = 0; i < kSweepBucketsMs.size(); ++i) {
      if (ns <= kSweepBucketsMs[i] * 1'000'000) {
        ++fan_out_sweeps_within[i];
        break;
      }
    }
  }
  // Updates events_per_second from the head seq seen at `now_ms`.
  void sample(int64_t head, uint64_t now_ms);
  // `loop_connections`: the open connections of each loop, by loop index (none: not shown).
  std::string render(const std::array<size_t, kTransportCount>& connections, const StoreStats& store,
                     const StreamGauges& streams = {}, const std::vector<size_t>& loop_connections = {}) const;

 private:
  int64_t sampled_head_ = -1;
  uint64_t sampled_at_ms_ = 0;
};

}  // namespace jobwire::http
