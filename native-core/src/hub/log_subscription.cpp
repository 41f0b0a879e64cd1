#include "hub/log_subscription.h"

namespace jobwire {

LogSubscription::LogSubscription(std::shared_ptr<Hub> hub, std::shared_ptr<LogSource> log, std::shared_ptr<SubscriptionQueue> queue, int64_t cursor,
                                 bool catching_up)
    : hub_(std::move(hub)), log_(std::move(log)), queue_(std::move(queue)), cursor_(cursor), catching_up_(catching_up) {}

LogSubscription::~LogSubscription() { close(); }

Delivery LogSubscription::take(size_t max) {
  std::lock_guard lock(mu_);
  Delivery out;
  if (!closed_ && max > 0) {
    if (!catching_up_) take_live(max, out);
    if (catching_up_) catch_up(max, out);
  }
  out.cursor = cursor_;
  return out;
}

void LogSubscription::take_live(size_t max, Delivery& out) {
  SubscriptionQueue::Taken taken = queue_->take(max);
  if (taken.overflowed) {
    catching_up_ = true;
    gap_to_report_ = true;
    return;
  }
  for (EventPtr& event : taken.events) {
    if (event->seq <= cursor_) continue;  // already read from the log at the seam
    cursor_ = event->seq;
    out.events.push_back(std::move(event));
  }
  // Everything offered has been handed over or filtered out: the cursor passes it all.
  if (taken.drained && taken.last_offered > cursor_) cursor_ = taken.last_offered;
}

void LogSubscription::catch_up(size_t max, Delivery& out) {
  out.gap = gap_to_report_;
  gap_to_report_ = false;
  const int64_t bound = queue_->live_from();
  auto page = log_->read_log(cursor_, max, queue_->filter(), bound);
  if (!page.ok()) {
    if (page.status().code() == Code::reset) {
      out.reset = true;
      cursor_ = log_->head_seq();
      catching_up_ = false;
    } else if (page.status().code() == Code::closed) {
      catching_up_ = false;
    }
    return;  // other failures (a busy file) are retried on the next take
  }
  const bool log_exhausted = page.value().next == cursor_;
  for (EventPtr& event : page.value().events) out.events.push_back(std::move(event));
  if (page.value().next > cursor_) cursor_ = page.value().next;
  if ((bound > 0 && cursor_ >= bound - 1) || (bound == 0 && log_exhausted)) catching_up_ = false;
}

bool LogSubscription::ready() const {
  std::lock_guard lock(mu_);
  return !closed_ && (catching_up_ || queue_->pending());
}

bool LogSubscription::reads_log() const {
  std::lock_guard lock(mu_);
  return !closed_ && (catching_up_ || queue_->overflowed());
}

int64_t LogSubscription::cursor() const {
  std::lock_guard lock(mu_);
  return cursor_;
}

void LogSubscription::shed() {
  std::lock_guard lock(mu_);
  if (!closed_ && queue_->shed()) hub_->count_shed();
}

void LogSubscription::close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  queue_->close();
  hub_->detach(queue_.get());
}

}  // namespace jobwire
