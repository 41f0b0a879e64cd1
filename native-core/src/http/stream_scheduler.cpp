#include "http/stream_scheduler.h"

#include <cstddef>

namespace jobwire::http {

void StreamScheduler::open(uv_loop_t* loop, uint64_t tick_ms, Serve serve, Metrics& metrics) {
  loop_ = loop;
  tick_ms_ = tick_ms;
  serve_ = std::move(serve);
  metrics_ = &metrics;
  uv_timer_init(loop, &tick_);
  tick_.data = this;
  uv_idle_init(loop, &slice_);
  slice_.data = this;
}

void StreamScheduler::close() {
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&slice_), nullptr);
}

void StreamScheduler::on_ready(const std::vector<uint64_t>& ids) {
  // Not idle: a sweep is under way (its slice handle runs) or the tick for the next is armed.
  bool idle = !uv_is_active(reinterpret_cast<uv_handle_t*>(&slice_)) &&
              !uv_is_active(reinterpret_cast<uv_handle_t*>(&tick_));
  if (idle && ids.size() <= kServeAtOnce) {
    size_t served = serve_within_budget(ids, 0);
    if (served == ids.size()) return;
    waiting_.insert(waiting_.end(), ids.begin() + static_cast<std::ptrdiff_t>(served), ids.end());
    start_sweep();  // the rest, from the next loop turn
    return;
  }
  waiting_.insert(waiting_.end(), ids.begin(), ids.end());
  if (idle) schedule_sweep();  // otherwise the sweep under way, or the armed tick, takes them
}

void StreamScheduler::schedule_sweep() {
  uv_update_time(loop_);
  uint64_t next_start = sweep_started_ms_ + tick_ms_;
  uint64_t now = uv_now(loop_);
  if (now >= next_start) {
    start_sweep();
  } else {
    uv_timer_start(&tick_, &StreamScheduler::on_tick, next_start - now, 0);
  }
}

void StreamScheduler::on_tick(uv_timer_t* timer) {
  static_cast<StreamScheduler*>(timer->data)->start_sweep();
}

void StreamScheduler::start_sweep() {
  sweep_.clear();
  sweep_.swap(waiting_);
  swept_ = 0;
  sweep_started_ms_ = uv_now(loop_);
  sweep_started_ns_ = uv_hrtime();
  uv_idle_start(&slice_, &StreamScheduler::on_slice);
}

void StreamScheduler::on_slice(uv_idle_t* idle) {
  auto* self = static_cast<StreamScheduler*>(idle->data);
  self->swept_ = self->serve_within_budget(self->sweep_, self->swept_);
  if (self->swept_ == self->sweep_.size()) self->end_sweep();
}

size_t StreamScheduler::serve_within_budget(const std::vector<uint64_t>& ids, size_t next) {
  if (next >= ids.size()) return next;
  const uint64_t started_ns = uv_hrtime();
  size_t bytes = 0;
  // At least one stream per call, so every sweep ends.
  do {
    bytes += serve_(ids[next++]);
  } while (next < ids.size() && bytes < kSliceBytes && uv_hrtime() - started_ns < kSliceNs);
  return next;
}

void StreamScheduler::end_sweep() {
  uv_idle_stop(&slice_);
  metrics_->count_sweep(sweep_.size(), uv_hrtime() - sweep_started_ns_);
  if (!waiting_.empty()) schedule_sweep();
}

}  // namespace jobwire::http
