#include "http/loop_group.h"

#include <atomic>
#include <string>

namespace jobwire {
namespace {

Status check_ranges(const ServerOptions& o) {
  using O = ServerOptions;
  struct Setting {
    const char* name;
    int64_t value;
    O::Range range;
  };
  // size_t settings past INT64_MAX wrap negative, below every range.
  const Setting settings[] = {
      {"port", o.port, O::kPortRange},
      {"threads", static_cast<int64_t>(o.threads), O::kThreadsRange},
      {"fanout_tick_ms", o.fanout_tick_ms, O::kFanoutTickMsRange},
      {"heartbeat_ms", o.heartbeat_ms, O::kTimeoutMsRange},
      {"request_timeout_ms", o.request_timeout_ms, O::kTimeoutMsRange},
      {"stall_timeout_ms", o.stall_timeout_ms, O::kTimeoutMsRange},
      {"max_connections", static_cast<int64_t>(o.max_connections), O::kMaxConnectionsRange},
      {"max_body_bytes", static_cast<int64_t>(o.max_body_bytes), O::kMaxBodyBytesRange},
      {"max_write_buffer_bytes", static_cast<int64_t>(o.max_write_buffer_bytes), O::kMaxWriteBufferBytesRange},
      {"polling.interval_ms", o.polling.interval_ms, O::kPollIntervalMsRange},
      {"polling.log_interval_ms", o.polling.log_interval_ms, O::kPollIntervalMsRange},
  };
  for (const Setting& s : settings) {
    if (s.value < s.range.min || s.value > s.range.max)
      return Status(Code::invalid_argument, std::string(s.name) + " must be " + s.range.text());
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::start(std::shared_ptr<Core> core, ServerOptions options) {
  if (!core || core->closed()) return Status(Code::closed, "the core is closed");
  if (Status in_range = check_ranges(options); !in_range.ok()) return in_range;
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
