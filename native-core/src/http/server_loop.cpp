#include "http/server_loop.h"

#include <algorithm>

#include "api/json_text.h"
#include "platform/platform.h"

namespace jobwire::http {
namespace {

// How long stop() lets in-flight writes and answers finish before it cuts connections.
constexpr uint64_t kShutdownGraceMs = 5'000;
constexpr int kListenBacklog = 4096;

Status uv_status(const char* what, int rc) {
  return Status(Code::unavailable, std::string(what) + ": " + uv_strerror(rc));
}

}  // namespace

ServerLoop::ServerLoop(LoopGroup& group, size_t index, std::shared_ptr<Core> core, ServerOptions options)
    : group_(group),
      index_(index),
      core_(std::move(core)),
      options_(std::move(options)),
      access_(options_),
      job_cache_(std::max(kCachedJobs / options_.threads, kMinCachedJobsPerLoop), [this](const Job& job, int64_t now_ms) { return api::job_snapshot_body(job, epoch_, now_ms); }) {}

ServerLoop::~ServerLoop() {
  request_stop();
  join();
}

Status ServerLoop::open() {
  platform::ignore_sigpipe_unless_handled();
  epoch_ = core_->log_info().epoch;
  if (int rc = uv_loop_init(&loop_); rc != 0) return uv_status("uv_loop_init", rc);
  loop_ready_ = true;
  scheduler_.open(&loop_, static_cast<uint64_t>(options_.fanout_tick_ms), [this](uint64_t id) -> size_t {
    auto it = connections_.find(id);
    if (it == connections_.end()) return 0;
    uint64_t before = it->second->queued_total();
    it->second->on_ready();
    return static_cast<size_t>(it->second->queued_total() - before);
  }, metrics_);
  mailbox_->open(&loop_, [this](const std::vector<uint64_t>& ids) { scheduler_.on_ready(ids); });
  uv_async_init(&loop_, &stop_async_, &ServerLoop::on_stop_async);
  stop_async_.data = this;
  uv_timer_init(&loop_, &sweep_timer_);
  sweep_timer_.data = this;
  uv_timer_init(&loop_, &heartbeat_timer_);
  heartbeat_timer_.data = this;
  if (index_ == 0) {
    if (Status listened = listen(); !listened.ok()) {
      close_unstarted();
      return listened;
    }
  }

  // Often enough to see a stall's first quarter (when a stream sheds its queue) promptly.
  int timeouts_checked_ms = std::min(options_.request_timeout_ms / 4, options_.stall_timeout_ms / 8);
  uint64_t sweep_ms = static_cast<uint64_t>(std::clamp(timeouts_checked_ms, 50, 1000));
  uv_timer_start(&sweep_timer_, &ServerLoop::on_sweep, sweep_ms, sweep_ms);
  uint64_t heartbeat_ms = static_cast<uint64_t>(std::max(options_.heartbeat_ms, 100));
  uv_timer_start(&heartbeat_timer_, &ServerLoop::on_heartbeat, heartbeat_ms, heartbeat_ms);
  metrics_.sample(core_->log_info().head_seq, uv_now(&loop_));
  return Status::Ok();
}

Status ServerLoop::listen() {
  uv_tcp_init(&loop_, &listener_);
  listener_.data = this;
  listening_ = true;
  std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  sockaddr_storage address{};
  int rc = host.find(':') != std::string::npos
               ? uv_ip6_addr(host.c_str(), options_.port, reinterpret_cast<sockaddr_in6*>(&address))
               : uv_ip4_addr(host.c_str(), options_.port, reinterpret_cast<sockaddr_in*>(&address));
  if (rc == 0) rc = uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&address), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kListenBacklog, &ServerLoop::on_connection);
  if (rc != 0) return uv_status(("cannot listen on " + options_.host + ":" + std::to_string(options_.port)).c_str(), rc);
  sockaddr_storage bound{};
  int length = sizeof bound;
  uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return Status::Ok();
}

void ServerLoop::close_unstarted() {
  handles_closed_ = true;
  mailbox_->close();
  scheduler_.close();
  for (uv_handle_t* handle : {reinterpret_cast<uv_handle_t*>(&stop_async_), reinterpret_cast<uv_handle_t*>(&sweep_timer_),
                              reinterpret_cast<uv_handle_t*>(&heartbeat_timer_)})
    uv_close(handle, nullptr);
  if (listening_) uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
  listening_ = false;
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
  loop_ready_ = false;
}

void ServerLoop::start_thread() {
  thread_ = std::thread([this] {
    platform::name_this_thread(("jobwire-loop" + std::to_string(index_)).c_str());  // ≤ 15 characters
    uv_run(&loop_, UV_RUN_DEFAULT);
  });
}

void ServerLoop::request_stop() {
  if (thread_.joinable() && !stop_requested_.exchange(true)) uv_async_send(&stop_async_);
}

void ServerLoop::join() {
  if (!thread_.joinable()) return;
  thread_.join();
  if (loop_ready_) {
    uv_loop_close(&loop_);
    loop_ready_ = false;
  }
}

void ServerLoop::forget(uint64_t id) {
  auto it = connections_.find(id);
  if (it != connections_.end()) {
    Transport transport = it->second->transport();
    if (transport == Transport::sse || transport == Transport::websocket) ++streams_closed_since_trim_;
    erase_connection(it);
  }
  if (stopping_) maybe_finish_shutdown();
}

void ServerLoop::erase_connection(std::unordered_map<uint64_t, std::unique_ptr<Connection>>::iterator it) {
  connections_.erase(it);
  assigned_.fetch_sub(1, std::memory_order_relaxed);
}

std::array<size_t, kTransportCount> ServerLoop::connections_by_transport() const {
  std::array<size_t, kTransportCount> counts{};
  for (const auto& [id, conn] : connections_)
    if (!conn->closing()) ++counts[static_cast<size_t>(conn->transport())];
  return counts;
}

StreamGauges ServerLoop::stream_gauges() const {
  StreamGauges gauges;
  for (const auto& [id, conn] : connections_) {
    if (conn->transport() != Transport::sse && conn->transport() != Transport::websocket) continue;
    gauges.held_bytes += conn->buffered_bytes();
    gauges.held_frames += conn->held_chunks();
  }
  return gauges;
}

LoopReport ServerLoop::report() const {
  return LoopReport{metrics_, connections_by_transport(), stream_gauges()};
}

// ---------------------------------------------------------------- timers

void ServerLoop::on_sweep(uv_timer_t* timer) {
  auto* self = static_cast<ServerLoop*>(timer->data);
  uint64_t now = uv_now(&self->loop_);
  // Timeouts may close connections; closing only unlinks them in a later callback.
  for (auto& [id, conn] : self->connections_) conn->check_timeouts(now);
  self->maybe_release_memory(now);
  if (now >= self->metrics_sampled_ms_ + 1000) {
    self->metrics_.sample(self->core_->log_info().head_seq, now);
    self->metrics_sampled_ms_ = now;
  }
  if (self->stopping_) self->maybe_finish_shutdown();
}

void ServerLoop::maybe_release_memory(uint64_t now) {
  if (streams_closed_since_trim_ == 0 || now < heap_trimmed_ms_ + 1000) return;
  platform::release_free_memory();
  streams_closed_since_trim_ = 0;
  heap_trimmed_ms_ = now;
}

void ServerLoop::on_heartbeat(uv_timer_t* timer) {
  auto* self = static_cast<ServerLoop*>(timer->data);
  self->store_delayed_ = !self->core_->log_info().reachable;
  for (auto& [id, conn] : self->connections_) conn->on_heartbeat();
}

// ---------------------------------------------------------------- stopping

void ServerLoop::on_stop_async(uv_async_t* handle) { static_cast<ServerLoop*>(handle->data)->begin_shutdown(); }

void ServerLoop::begin_shutdown() {
  if (stopping_) return;
  stopping_ = true;
  shutdown_deadline_ms_ = uv_now(&loop_) + kShutdownGraceMs;
  if (listening_) uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
  listening_ = false;
  uv_timer_stop(&heartbeat_timer_);
  // Streams say goodbye and close; idle connections close; a request being answered closes
  // once its answer is written (keep-alive is off while stopping).
  std::vector<Connection*> open;
  for (auto& [id, conn] : connections_) open.push_back(conn.get());
  for (Connection* conn : open) conn->on_shutdown();
  maybe_finish_shutdown();
}

void ServerLoop::work_finished() {
  --work_in_flight_;
  if (stopping_) maybe_finish_shutdown();
}

void ServerLoop::maybe_finish_shutdown() {
  if (handles_closed_) return;
  bool overdue = uv_now(&loop_) >= shutdown_deadline_ms_;
  if (overdue) {
    for (auto& [id, conn] : connections_) conn->abort();
  }
  if (!connections_.empty() || (work_in_flight_ > 0 && !overdue)) return;
  // Everything answered: close our own handles; the loop ends when they are closed.
  handles_closed_ = true;
  mailbox_->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_async_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sweep_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&heartbeat_timer_), nullptr);
  scheduler_.close();
}

}  // namespace jobwire::http
