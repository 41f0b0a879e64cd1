// The server behind jobwire::Server: ServerOptions::threads loops (ServerLoop), each on its
// own thread with its own connections, fan-out sweeps, mailbox, metrics, SSE frames and job
// cache. Loop 0 listens and hands each connection to the loop with the fewest open
// (server_accept.cpp).
//
// What the loops share: the Core, which is thread-safe; every stream subscribes to its hub,
// whose envelopes are serialized once and shared (EventPtr), and each subscription wakes the
// loop that owns its connection, so a write answered on one loop reaches the streams and
// parked long-polls of every loop. The options are copied into each loop. Counters are kept
// per loop and summed when /metrics is asked (metrics_gather.h). The job cache and the SSE
// frames are per loop: a cached 200 and a frame lookup stay lock-free on the hot path, at the
// cost of one store read (or one frame format) per loop instead of per server; the job cache's
// capacity is divided between the loops (ServerLoop::kCachedJobs).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "http/server_loop.h"
#include "jobwire/server.h"

namespace jobwire::http {

class LoopGroup final : public Server {
 public:
  LoopGroup(std::shared_ptr<Core> core, const ServerOptions& options);
  ~LoopGroup() override;

  // Opens every loop (loop 0 binds), then starts their threads.
  Status start();
  int port() const override { return loops_.front()->port(); }
  // Stops every loop at once, then joins them.
  void stop() override;

  // --- any thread, once started ---
  size_t size() const noexcept { return loops_.size(); }
  ServerLoop& loop(size_t index) noexcept { return *loops_[index]; }
  // The loop with the fewest open connections (the lowest index among equals).
  ServerLoop& least_loaded() noexcept;
  // Open connections on every loop.
  size_t open_connections() const noexcept;

 private:
  std::vector<std::unique_ptr<ServerLoop>> loops_;
};

}  // namespace jobwire::http
