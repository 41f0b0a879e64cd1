// The server behind jobwire::Server: a libuv loop on its own thread, the listening socket,
// the live connections, and the timers (timeouts, heartbeat, metrics sampling).
//
// Threads: start() and stop() are called from the owner's thread; everything else runs on
// the loop thread. Other threads reach the loop only through the mailbox.
#pragma once

#include <uv.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "http/access.h"
#include "http/connection.h"
#include "http/stream_scheduler.h"
#include "http/job_cache.h"
#include "http/mailbox.h"
#include "http/metrics.h"
#include "http/sse_frames.h"
#include "jobwire/server.h"

namespace jobwire::http {

class ServerImpl final : public Server {
 public:
  static constexpr size_t kCachedJobs = 10'000;

  ServerImpl(std::shared_ptr<Core> core, ServerOptions options);
  ~ServerImpl() override;

  // Binds and starts the loop thread.
  Status start();
  int port() const override { return port_; }
  void stop() override;

  // --- loop thread ---
  uv_loop_t* loop() noexcept { return &loop_; }
  Core& core() noexcept { return *core_; }
  // Whether the store was unreachable at this heartbeat: read once per tick, not per stream.
  bool store_delayed() const noexcept { return store_delayed_; }
  const ServerOptions& options() const noexcept { return options_; }
  const std::shared_ptr<Mailbox>& mailbox() noexcept { return mailbox_; }
  Metrics& metrics() noexcept { return metrics_; }
  SseFrames& sse_frames() noexcept { return sse_frames_; }
  JobCache& job_cache() noexcept { return job_cache_; }
  const Access& access() const noexcept { return access_; }
  uint64_t now_ms() const noexcept { return uv_now(const_cast<uv_loop_t*>(&loop_)); }
  const std::string& epoch() const noexcept { return epoch_; }
  bool stopping() const noexcept { return stopping_; }
  // One read buffer for every connection: a read is parsed before the next one starts.
  uv_buf_t read_buffer() noexcept { return uv_buf_init(read_buffer_.data(), static_cast<unsigned>(read_buffer_.size())); }
  // Counts by transport, for /metrics.
  std::array<size_t, kTransportCount> connections_by_transport() const;
  // What the streams hold unwritten now, and the core's queue drops, for /metrics.
  StreamGauges stream_gauges() const;
  // Core work in flight on behalf of a request (a write, an off-loop read): stop() waits for it.
  void work_started() noexcept { ++work_in_flight_; }
  void work_finished();
  // Calls `fn` with connection `id` if it is still open.
  template <class Fn>
  void with_connection(uint64_t id, Fn&& fn) {
    auto it = connections_.find(id);
    if (it != connections_.end() && !it->second->closing()) fn(*it->second);
  }
  // The handle of connection `id` was closed: free it.
  void forget(uint64_t id);

 private:
  static void on_connection(uv_stream_t* listener, int status);
  static void on_sweep(uv_timer_t* timer);
  static void on_heartbeat(uv_timer_t* timer);
  static void on_stop_async(uv_async_t* handle);
  void run();
  void accept_one();
  void begin_shutdown();
  void maybe_finish_shutdown();
  // After streams closed, at most once a second: what they held goes back to the system.
  void maybe_release_memory(uint64_t now);

  std::shared_ptr<Core> core_;
  ServerOptions options_;
  Access access_;
  std::string epoch_;
  uv_loop_t loop_{};
  uv_tcp_t listener_{};
  uv_timer_t sweep_timer_{};
  uv_timer_t heartbeat_timer_{};
  StreamScheduler scheduler_;
  uv_async_t stop_async_{};
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
  std::thread thread_;
  int port_ = 0;
  bool loop_ready_ = false;
  std::atomic<bool> stop_requested_{false};
  bool stopping_ = false;
  bool handles_closed_ = false;
  uint64_t shutdown_deadline_ms_ = 0;
  uint64_t metrics_sampled_ms_ = 0;
  size_t streams_closed_since_trim_ = 0;  // SSE and WebSocket connections closed since the heap was last trimmed
  uint64_t heap_trimmed_ms_ = 0;
  size_t work_in_flight_ = 0;
  uint64_t next_id_ = 1;
  bool store_delayed_ = false;  // set at each heartbeat tick (store_delayed())
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  Metrics metrics_;
  SseFrames sse_frames_;
  JobCache job_cache_;
  std::array<char, 64 * 1024> read_buffer_{};
};

}  // namespace jobwire::http
