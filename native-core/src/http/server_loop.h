// One loop of the server (ServerOptions::threads of them make a LoopGroup, which is the
// jobwire::Server): a libuv loop on its own thread, its share of the connections, its
// fan-out sweeps, mailbox, metrics and caches, and its timers (timeouts, heartbeat, metrics
// sampling). Loop 0 also owns the listening socket and hands connections out
// (server_accept.cpp).
//
// Threads: open(), start_thread(), request_stop() and join() are called from the owner's
// thread; assigned() from the accepting loop; everything else runs on this loop's thread.
// Other threads reach the loop only through the mailbox.
#pragma once

#include <uv.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
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
#include "http/metrics_gather.h"
#include "http/sse_frames.h"
#include "jobwire/server.h"

namespace jobwire::http {

class LoopGroup;

class ServerLoop final {
 public:
  // Rendered jobs the server keeps for GET /api/jobs/{id}, shared out between its loops (each
  // keeps its own, at least kMinCachedJobsPerLoop), so more loops do not mean more memory.
  static constexpr size_t kCachedJobs = 10'000;
  static constexpr size_t kMinCachedJobsPerLoop = 1'000;

  // Loop `index` of `group`. Loop 0 listens.
  ServerLoop(LoopGroup& group, size_t index, std::shared_ptr<Core> core, ServerOptions options);
  ~ServerLoop();
  ServerLoop(const ServerLoop&) = delete;
  ServerLoop& operator=(const ServerLoop&) = delete;

  // --- owner's thread ---
  // Makes the loop and its handles (loop 0: binds and listens); nothing runs yet. On failure
  // everything it made is closed again.
  Status open();
  // Runs the loop on its own thread.
  void start_thread();
  // Asks the loop to shut down (see begin_shutdown); join() waits for it to end.
  void request_stop();
  void join();
  int port() const { return port_; }

  // --- any thread ---
  // Connections handed to this loop and not yet closed: the accepting loop counts them in
  // as it hands them out, this loop counts them out as it forgets them.
  std::atomic<size_t>& assigned() noexcept { return assigned_; }
  size_t index() const noexcept { return index_; }
  LoopGroup& group() noexcept { return group_; }
  // How any thread posts work to this loop.
  const std::shared_ptr<Mailbox>& mailbox() noexcept { return mailbox_; }

  // --- loop thread ---
  uv_loop_t* loop() noexcept { return &loop_; }
  Core& core() noexcept { return *core_; }
  // Whether the store was unreachable at this heartbeat: read once per tick, not per stream.
  bool store_delayed() const noexcept { return store_delayed_; }
  const ServerOptions& options() const noexcept { return options_; }
  Metrics& metrics() noexcept { return metrics_; }
  SseFrames& sse_frames() noexcept { return sse_frames_; }
  JobCache& job_cache() noexcept { return job_cache_; }
  const Access& access() const noexcept { return access_; }
  uint64_t now_ms() const noexcept { return uv_now(const_cast<uv_loop_t*>(&loop_)); }
  const std::string& epoch() const noexcept { return epoch_; }
  bool stopping() const noexcept { return stopping_; }
  // One read buffer for every connection: a read is parsed before the next one starts.
  uv_buf_t read_buffer() noexcept { return uv_buf_init(read_buffer_.data(), static_cast<unsigned>(read_buffer_.size())); }
  // This loop's open connections by transport, for /metrics.
  std::array<size_t, kTransportCount> connections_by_transport() const;
  // What this loop's streams hold unwritten now, for /metrics (the core's queue drops are
  // added once, by metrics_gather.cpp).
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
  // Opens `socket`, accepted by loop 0 for this loop (answering 503 when `refuse`); closes
  // it instead once stopping.
  void adopt(uv_os_sock_t socket, bool refuse);
  // This loop's counters and gauges, for /metrics.
  LoopReport report() const;

 private:
  // Accepting (server_accept.cpp).
  static void on_connection(uv_stream_t* listener, int status);
  void accept_one(bool refuse);
  void hand_off(ServerLoop& target, bool refuse);
  // Makes a connection and opens it with `start` (a libuv status); once open it is counted,
  // and refused when over the cap.
  void add_connection(bool refuse, const std::function<int(Connection&)>& start);
  void erase_connection(std::unordered_map<uint64_t, std::unique_ptr<Connection>>::iterator it);

  static void on_sweep(uv_timer_t* timer);
  static void on_heartbeat(uv_timer_t* timer);
  static void on_stop_async(uv_async_t* handle);
  Status listen();
  // open() failed: closes every handle made and lets the loop finish closing them here.
  void close_unstarted();
  void begin_shutdown();
  void maybe_finish_shutdown();
  // After streams closed, at most once a second: what they held goes back to the system.
  void maybe_release_memory(uint64_t now);

  LoopGroup& group_;
  const size_t index_;
  std::shared_ptr<Core> core_;
  ServerOptions options_;
  Access access_;
  std::string epoch_;
  uv_loop_t loop_{};
  uv_tcp_t listener_{};
  bool listening_ = false;  // loop 0, from open() until shutdown closes the listener
  uv_timer_t sweep_timer_{};
  uv_timer_t heartbeat_timer_{};
  StreamScheduler scheduler_;
  uv_async_t stop_async_{};
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
  std::thread thread_;
  int port_ = 0;
  bool loop_ready_ = false;
  std::atomic<bool> stop_requested_{false};
  std::atomic<size_t> assigned_{0};
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
