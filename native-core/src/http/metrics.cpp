#include "http/metrics.h"

#include <cstdio>

namespace jobwire::http {

const char* transport_name(Transport transport) noexcept {
  switch (transport) {
    case Transport::http: return "http";
    case Transport::long_poll: return "longpoll";
    case Transport::sse: return "sse";
    case Transport::websocket: return "ws";
  }
  return "http";
}

void Metrics::sample(int64_t head, uint64_t now_ms) {
  head_seq = head;
  if (sampled_head_ >= 0 && now_ms > sampled_at_ms_) {
    events_per_second = static_cast<double>(head - sampled_head_) * 1000.0 /
                        static_cast<double>(now_ms - sampled_at_ms_);
  }
  sampled_head_ = head;
  sampled_at_ms_ = now_ms;
}

void Metrics::add(const Metrics& other) {
  for (const auto& [status, count] : other.requests_by_status) requests_by_status[status] += count;
  for (size_t i = 0; i < kTransportCount; ++i) {
    deliveries[i] += other.deliveries[i];
    gaps[i] += other.gaps[i];
  }
  dropped_clients += other.dropped_clients;
  refused_connections += other.refused_connections;
  accepted_connections += other.accepted_connections;
  fan_out_sweeps += other.fan_out_sweeps;
  fan_out_swept_streams += other.fan_out_swept_streams;
  fan_out_sweep_ns += other.fan_out_sweep_ns;
  for (size_t i = 0; i < kSweepBucketsMs.size(); ++i) fan_out_sweeps_within[i] += other.fan_out_sweeps_within[i];
}

namespace {

void line(std::string& out, const char* format, auto... args) {
  char buffer[256];
  int n = std::snprintf(buffer, sizeof buffer, format, args...);
  if (n > 0) out.append(buffer, static_cast<size_t>(n) < sizeof buffer ? static_cast<size_t>(n) : sizeof buffer - 1);
}

}  // namespace

std::string Metrics::render(const std::array<size_t, kTransportCount>& connections, const StoreStats& store,
                            const StreamGauges& streams, const std::vector<size_t>& loop_connections) const {
  std::string out;
  out += "# HELP jobwire_connections Open client connections, by transport.\n";
  out += "# TYPE jobwire_connections gauge\n";
  for (size_t i = 0; i < kTransportCount; ++i)
    line(out, "jobwire_connections{transport=\"%s\"} %zu\n", transport_name(static_cast<Transport>(i)), connections[i]);
  if (!loop_connections.empty()) {
    out += "# HELP jobwire_loop_connections Open client connections, by loop thread (--threads).\n";
    out += "# TYPE jobwire_loop_connections gauge\n";
    for (size_t i = 0; i < loop_connections.size(); ++i)
      line(out, "jobwire_loop_connections{loop=\"%zu\"} %zu\n", i, loop_connections[i]);
  }
  out += "# HELP jobwire_events_per_second Committed events per second, sampled each second.\n";
  out += "# TYPE jobwire_events_per_second gauge\n";
  line(out, "jobwire_events_per_second %.3f\n", events_per_second);
  out += "# HELP jobwire_head_seq The newest committed seq.\n";
  out += "# TYPE jobwire_head_seq gauge\n";
  line(out, "jobwire_head_seq %lld\n", static_cast<long long>(head_seq));
  out += "# HELP jobwire_deliveries_total Events written to clients, by transport.\n";
  out += "# TYPE jobwire_deliveries_total counter\n";
  for (size_t i = 0; i < kTransportCount; ++i)
    line(out, "jobwire_deliveries_total{transport=\"%s\"} %llu\n", transport_name(static_cast<Transport>(i)),
         static_cast<unsigned long long>(deliveries[i]));
  // Counted when a queue drops (on the writer thread, or when a stalled stream sheds it),
  // not when the gap reaches its client: a client that never reads again is counted too.
  out += "# HELP jobwire_queue_drops_total Subscriber queues emptied because their consumer fell behind (overflowed, or its socket stalled); each catches up from the log.\n";
  out += "# TYPE jobwire_queue_drops_total counter\n";
  line(out, "jobwire_queue_drops_total %llu\n", static_cast<unsigned long long>(streams.queue_drops));
  out += "# HELP jobwire_gaps_total Gap messages queued to streams, by transport (a stream dropped for a stall gets its last one only if its socket takes it).\n";
  out += "# TYPE jobwire_gaps_total counter\n";
  for (Transport transport : {Transport::sse, Transport::websocket})
    line(out, "jobwire_gaps_total{transport=\"%s\"} %llu\n", transport_name(transport),
         static_cast<unsigned long long>(gaps[static_cast<size_t>(transport)]));
  out += "# HELP jobwire_stream_held_bytes Bytes streams have queued that their sockets have not taken yet (frames are shared: this counts each stream's references, not memory).\n";
  out += "# TYPE jobwire_stream_held_bytes gauge\n";
  line(out, "jobwire_stream_held_bytes %zu\n", streams.held_bytes);
  out += "# HELP jobwire_stream_held_frames References to frames streams hold unwritten.\n";
  out += "# TYPE jobwire_stream_held_frames gauge\n";
  line(out, "jobwire_stream_held_frames %zu\n", streams.held_frames);
  // The sweep time is the floor of stream latency under load: an event waits until the
  // sweep under way reaches its stream.
  out += "# HELP jobwire_fanout_sweep_seconds Time to serve every ready stream once in a fan-out sweep.\n";
  out += "# TYPE jobwire_fanout_sweep_seconds histogram\n";
  uint64_t within = 0;
  for (size_t i = 0; i < kSweepBucketsMs.size(); ++i) {
    within += fan_out_sweeps_within[i];
    line(out, "jobwire_fanout_sweep_seconds_bucket{le=\"%g\"} %llu\n", static_cast<double>(kSweepBucketsMs[i]) / 1e3,
         static_cast<unsigned long long>(within));
  }
  line(out, "jobwire_fanout_sweep_seconds_bucket{le=\"+Inf\"} %llu\n", static_cast<unsigned long long>(fan_out_sweeps));
  line(out, "jobwire_fanout_sweep_seconds_sum %.6f\n", static_cast<double>(fan_out_sweep_ns) / 1e9);
  line(out, "jobwire_fanout_sweep_seconds_count %llu\n", static_cast<unsigned long long>(fan_out_sweeps));
  out += "# HELP jobwire_fanout_swept_streams_total Streams served by fan-out sweeps.\n";
  out += "# TYPE jobwire_fanout_swept_streams_total counter\n";
  line(out, "jobwire_fanout_swept_streams_total %llu\n", static_cast<unsigned long long>(fan_out_swept_streams));
  out += "# HELP jobwire_dropped_clients_total Clients dropped because they stopped reading (a stream stalled past the stall timeout, or a buffer over its bound).\n";
  out += "# TYPE jobwire_dropped_clients_total counter\n";
  line(out, "jobwire_dropped_clients_total %llu\n", static_cast<unsigned long long>(dropped_clients));
  out += "# HELP jobwire_connections_total Connections accepted and refused (over the cap).\n";
  out += "# TYPE jobwire_connections_total counter\n";
  line(out, "jobwire_connections_total{result=\"accepted\"} %llu\n", static_cast<unsigned long long>(accepted_connections));
  line(out, "jobwire_connections_total{result=\"refused\"} %llu\n", static_cast<unsigned long long>(refused_connections));
  out += "# HELP jobwire_http_requests_total HTTP responses, by status.\n";
  out += "# TYPE jobwire_http_requests_total counter\n";
  for (const auto& [status, count] : requests_by_status)
    line(out, "jobwire_http_requests_total{status=\"%d\"} %llu\n", status, static_cast<unsigned long long>(count));
  out += "# HELP jobwire_wal_bytes The SQLite WAL in use after the last commit.\n";
  out += "# TYPE jobwire_wal_bytes gauge\n";
  line(out, "jobwire_wal_bytes %lld\n", static_cast<long long>(store.wal_bytes));
  out += "# HELP jobwire_wal_limit_waits_total Write groups held back until the WAL was back under its limit.\n";
  out += "# TYPE jobwire_wal_limit_waits_total counter\n";
  line(out, "jobwire_wal_limit_waits_total %llu\n", static_cast<unsigned long long>(store.wal_limit_waits));
  out += "# HELP jobwire_wal_limit_wait_seconds_total Time writes were held back for the WAL limit: the disk set the pace.\n";
  out += "# TYPE jobwire_wal_limit_wait_seconds_total counter\n";
  line(out, "jobwire_wal_limit_wait_seconds_total %.6f\n", store.wal_limit_wait_seconds);
  return out;
}

}  // namespace jobwire::http
