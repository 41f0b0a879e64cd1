// The HTTP path: REST snapshots, polling and long-poll, SSE, WebSocket and the write API,
// served from libuv loop threads (ServerOptions::threads) over a Core.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jobwire/core.h"
#include "jobwire/status.h"

namespace jobwire {

// The answer of GET /api/config/polling: how often a client that polls should.
struct PollingConfig {
  int interval_ms = 3'000;
  bool enabled = true;
  int log_interval_ms = 15'000;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 7700;             // 0: any free port (see Server::port)
  std::string token;           // needed for writes; for reads too when not bound to loopback
  std::vector<std::string> allow_origins;  // Origin allowlist for WebSocket, SSE and CORS
  std::string static_dir;      // served at / (the dashboard); empty: a plain page
  int heartbeat_ms = 20'000;
  size_t max_connections = 20'000;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  size_t max_headers = 100;
  int request_timeout_ms = 10'000;       // a request must arrive whole within this
  size_t max_write_buffer_bytes = 4 << 20;  // a client that stops reading is dropped past this
  // A stream (SSE, WebSocket) whose socket takes no byte for this long is told `gap` (if the
  // socket will take it) and closed; it resumes from its cursor. After a quarter of it, the
  // stream stops queueing events (it catches up from the log if it drains).
  int stall_timeout_ms = 2'000;
  // When thousands of streams have events, each is written at most once per tick, with all
  // its events since the last (a loop sweeps them). A longer tick costs less CPU per event
  // delivered and adds to its latency.
  int fanout_tick_ms = 50;
  // Loop threads, each serving a share of the connections. One suits an app that embeds the
  // server; jobwired defaults to one per core but one (the writer thread has it).
  size_t threads = 1;
  PollingConfig polling;

  // What each number above accepts. Server::start refuses a value outside its range, and
  // jobwired's flags and the addon's serve() check the same ranges.
  struct Range {
    int64_t min;
    int64_t max;
    std::string text() const { return std::to_string(min) + ".." + std::to_string(max); }  // "min..max"
  };
  static constexpr Range kPortRange{0, 65'535};
  static constexpr Range kTimeoutMsRange{100, 3'600'000};  // heartbeat, request and stall timeouts
  static constexpr Range kFanoutTickMsRange{10, 1'000};
  static constexpr Range kThreadsRange{1, 256};
  static constexpr Range kMaxConnectionsRange{1, 10'000'000};
  static constexpr Range kMaxBodyBytesRange{1, int64_t{1} << 30};
  static constexpr Range kMaxWriteBufferBytesRange{1'024, int64_t{1} << 32};
  static constexpr Range kPollIntervalMsRange{2'000, 60'000};  // both of PollingConfig's intervals
};

class Server {
 public:
  virtual ~Server() = default;
  // Binds and starts the loop threads. Fails with a Status when the address is taken.
  static Result<std::unique_ptr<Server>> start(std::shared_ptr<Core> core, ServerOptions options);
  virtual int port() const = 0;
  // Stops accepting, ends streams, lets in-flight writes finish, joins the loop threads.
  virtual void stop() = 0;
};

}  // namespace jobwire
