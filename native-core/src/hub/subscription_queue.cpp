#include "hub/subscription_queue.h"

namespace jobwire {
namespace {

// Slots a drained queue keeps allocated (a few loop turns of a busy stream).
constexpr size_t kKeptCapacity = 1024;

}  // namespace

SubscriptionQueue::SubscriptionQueue(EventFilter filter, size_t limit, int coalesce_ms, std::function<void()> wake)
    : filter_(std::move(filter)), limit_(limit), coalesce_ms_(coalesce_ms), wake_(std::move(wake)) {}

void SubscriptionQueue::notify_locked() {
  // Called under mu_ so that close() can promise no wake after it returns; wake_ must
  // not block and must not call back into this queue.
  if (notified_ || !wake_) return;
  notified_ = true;
  wake_();
}

SubscriptionQueue::Offered SubscriptionQueue::offer(const std::vector<EventPtr>& batch) {
  Offered offered;
  if (batch.empty()) return offered;
  std::lock_guard lock(mu_);
  if (closed_) return offered;
  last_offered_ = batch.back()->seq;
  // Overflowed and not taken since: the consumer reads all this from the log.
  if (overflowed_) return offered;
  if (live_from_ == 0) live_from_ = batch.front()->seq;
  const bool unfiltered = filter_.empty();
  for (const EventPtr& event : batch) {
    if (!unfiltered && !filter_.matches(*event)) continue;
    if (pending_count() >= limit_) {
      drop_queued_locked();
      offered.overflowed = true;
      notify_locked();
      return offered;
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
    ++offered.handed;
  }
  if (pending_count() > 0) notify_locked();
  return offered;
}

bool SubscriptionQueue::shed() {
  std::lock_guard lock(mu_);
  if (closed_ || overflowed_) return false;
  drop_queued_locked();
  return true;
}

void SubscriptionQueue::drop_queued_locked() {
  // swap, not clear: a queue that filled up must not keep 10,000 slots of capacity.
  std::vector<EventPtr>().swap(items_);
  std::unordered_map<std::string, size_t>().swap(pending_progress_);
  head_ = 0;
  overflowed_ = true;
  ++overflows_;
  // Nothing is queued until the consumer takes the overflow; the first batch offered after
  // that sets where catch-up from the log ends.
  live_from_ = 0;
}

SubscriptionQueue::Taken SubscriptionQueue::take(size_t max) {
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
    // A burst's capacity is given back; a steady stream keeps its small one.
    if (items_.capacity() > kKeptCapacity) std::vector<EventPtr>().swap(items_);
    items_.clear();
    head_ = 0;
    pending_progress_.clear();
    notified_ = false;
    taken.drained = true;
  }
  return taken;
}

bool SubscriptionQueue::overflowed() const {
  std::lock_guard lock(mu_);
  return overflowed_;
}

bool SubscriptionQueue::pending() const {
  std::lock_guard lock(mu_);
  return overflowed_ || pending_count() > 0;
}

int64_t SubscriptionQueue::live_from() const {
  std::lock_guard lock(mu_);
  return live_from_;
}

size_t SubscriptionQueue::held_slots() const {
  std::lock_guard lock(mu_);
  return items_.capacity();
}

uint64_t SubscriptionQueue::overflows() const {
  std::lock_guard lock(mu_);
  return overflows_;
}

void SubscriptionQueue::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  items_.clear();
  head_ = 0;
  pending_progress_.clear();
  wake_ = nullptr;
}

}  // namespace jobwire
