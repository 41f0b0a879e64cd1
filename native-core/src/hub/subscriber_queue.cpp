#include "hub/subscriber_queue.h"

namespace jobwire {

SubscriberQueue::SubscriberQueue(EventFilter filter, size_t limit, int coalesce_ms, std::function<void()> wake)
    : filter_(std::move(filter)), limit_(limit), coalesce_ms_(coalesce_ms), wake_(std::move(wake)) {}

void SubscriberQueue::notify_locked() {
  // Called under mu_ so that close() can promise no wake after it returns; wake_ must
  // not block and must not call back into this queue.
  if (notified_ || !wake_) return;
  notified_ = true;
  wake_();
}

size_t SubscriberQueue::offer(const std::vector<EventPtr>& batch) {
  if (batch.empty()) return 0;
  std::lock_guard lock(mu_);
  if (closed_) return 0;
  if (live_from_ == 0) live_from_ = batch.front()->seq;
  last_offered_ = batch.back()->seq;
  size_t handed = 0;
  const bool unfiltered = filter_.empty();
  for (const EventPtr& event : batch) {
    if (!unfiltered && !filter_.matches(*event)) continue;
    if (pending_count() >= limit_) {
      // Overflow: drop what is queued; the subscriber re-reads it from the log.
      items_.clear();
      head_ = 0;
      pending_progress_.clear();
      overflowed_ = true;
      ++overflows_;
      // From this event on the queue is whole again: catch-up reads the log up to here.
      live_from_ = event->seq;
      notify_locked();
    }
    if (coalesce_ms_ > 0 && event->type == "job.progress") {
      auto [it, inserted] = pending_progress_.try_emplace(event->job, items_.size());
      if (!inserted) {
        EventPtr& older = items_[it->second];
        if (older && event->ts_ms - older->ts_ms < coalesce_ms_) older.reset();
        it->second = items_.size();
      }
    }
    items_.push_back(event);
    ++handed;
  }
  if (pending_count() > 0) notify_locked();
  return handed;
}

SubscriberQueue::Taken SubscriberQueue::take(size_t max) {
  Taken taken;
  std::lock_guard lock(mu_);
  taken.last_offered = last_offered_;
  if (overflowed_) {
    overflowed_ = false;
    taken.overflowed = true;
    notified_ = false;
    return taken;
  }
  size_t end = head_;
  while (end < items_.size() && taken.events.size() < max) {
    if (items_[end]) taken.events.push_back(std::move(items_[end]));
    ++end;
  }
  head_ = end;
  if (head_ == items_.size()) {
    items_.clear();
    head_ = 0;
    pending_progress_.clear();
    notified_ = false;
    taken.drained = true;
  }
  return taken;
}

bool SubscriberQueue::pending() const {
  std::lock_guard lock(mu_);
  return overflowed_ || pending_count() > 0;
}

int64_t SubscriberQueue::live_from() const {
  std::lock_guard lock(mu_);
  return live_from_;
}

uint64_t SubscriberQueue::overflows() const {
  std::lock_guard lock(mu_);
  return overflows_;
}

void SubscriberQueue::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  items_.clear();
  head_ = 0;
  pending_progress_.clear();
  wake_ = nullptr;
}

}  // namespace jobwire
