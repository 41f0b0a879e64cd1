#include "http/loop_group.h"

#include <atomic>
#include <string>

namespace jobwire {

Result<std::unique_ptr<Server>> Server::start(std::shared_ptr<Core> core, ServerOptions options) {
  if (!core || core->closed()) return Status(Code::closed, "the core is closed");
  if (options.port < 0 || options.port > 65535) return Status(Code::invalid_argument, "port must be 0..65535");
  if (options.threads < 1 || options.threads > ServerOptions::kMaxThreads)
    return Status(Code::invalid_argument, "threads must be 1.." + std::to_string(ServerOptions::kMaxThreads));
  if (options.fanout_tick_ms < ServerOptions::kMinFanoutTickMs || options.fanout_tick_ms > ServerOptions::kMaxFanoutTickMs)
    return Status(Code::invalid_argument, "fanout_tick_ms must be " + std::to_string(ServerOptions::kMinFanoutTickMs) + ".." +
                                              std::to_string(ServerOptions::kMaxFanoutTickMs));
  // Writes are never open: a server without a token would take anyone's writes.
  if (options.token.empty()) return Status(Code::invalid_argument, "a token is required (writes always need one)");
  auto server = std::make_unique<http::LoopGroup>(std::move(core), options);
  if (Status started = server->start(); !started.ok()) return started;
  return std::unique_ptr<Server>(std::move(server));
}

namespace http {

LoopGroup::LoopGroup(std::shared_ptr<Core> core, const ServerOptions& options) {
  for (size_t i = 0; i < options.threads; ++i) loops_.push_back(std::make_unique<ServerLoop>(*this, i, core, options));
}

LoopGroup::~LoopGroup() { stop(); }

Status LoopGroup::start() {
  for (size_t i = 0; i < loops_.size(); ++i) {
    if (Status opened = loops_[i]->open(); !opened.ok()) {
      // The loops opened so far run and stop at once: their shutdown closes what they made.
      loops_.resize(i);
      for (auto& loop : loops_) loop->start_thread();
      stop();
      return opened;
    }
  }
  for (auto& loop : loops_) loop->start_thread();
  return Status::Ok();
}

void LoopGroup::stop() {
  for (auto& loop : loops_) loop->request_stop();
  for (auto& loop : loops_) loop->join();
}

ServerLoop& LoopGroup::least_loaded() noexcept {
  ServerLoop* best = loops_.front().get();
  size_t fewest = best->assigned().load(std::memory_order_relaxed);
  for (size_t i = 1; i < loops_.size() && fewest > 0; ++i) {
    size_t open = loops_[i]->assigned().load(std::memory_order_relaxed);
    if (open < fewest) {
      best = loops_[i].get();
      fewest = open;
    }
  }
  return *best;
}

size_t LoopGroup::open_connections() const noexcept {
  size_t open = 0;
  for (const auto& loop : loops_) open += loop->assigned().load(std::memory_order_relaxed);
  return open;
}

}  // namespace http
}  // namespace jobwire
