#include "hub/subscription_queue.h"

#include <algorithm>

#include "hub/hub.h"

namespace jobwire {

SubscriptionQueue::SubscriptionQueue(Hub& hub, EventFilter filter, size_t limit, int coalesce_ms,
                                     std::function<void()> wake)
    : hub_(hub), filter_(std::move(filter)), limit_(limit), coalesce_ms_(coalesce_ms), wake_(std::move(wake)) {}

bool SubscriptionQueue::reads_window_locked() const {
  return !overflowed_ && hub_.recent_.end() - next_ <= limit_;
}

bool SubscriptionQueue::lapped_locked() {
  if (!overflowed_ && !reads_window_locked()) {
    overflowed_ = true;
    hub_.queue_drops_.fetch_add(1, std::memory_order_relaxed);
  }
  return overflowed_;
}

bool SubscriptionQueue::coalesced(const RecentEvents& recent, uint64_t position, uint64_t end) const {
  const RecentEvents::Slot& slot = recent.at(position);
  if (slot.next_progress == 0 || slot.next_progress >= end) return false;
  return recent.at(slot.next_progress).event->ts_ms - slot.event->ts_ms < coalesce_ms_;
}

void SubscriptionQueue::park_locked() {
  if (parked_round_ == hub_.wake_round_) return;
  parked_round_ = hub_.wake_round_;
  hub_.parked_.push_back(shared_from_this());
}

void SubscriptionQueue::wake() {
  std::lock_guard lock(wake_mu_);
  if (!closed_.load(std::memory_order_relaxed) && wake_) wake_();
}

bool SubscriptionQueue::shed() {
  std::lock_guard lock(hub_.mu_);
  if (lapped_locked()) return false;
  overflowed_ = true;
  return true;
}

SubscriptionQueue::Taken SubscriptionQueue::take(size_t max) {
  Taken taken;
  if (closed_.load(std::memory_order_acquire)) return taken;
  // Room for a stream's usual take before the lock, so that readers hold it only to read.
  taken.events.reserve(std::min<size_t>(max, 64));
  std::lock_guard lock(hub_.mu_);
  const RecentEvents& recent = hub_.recent_;
  const uint64_t end = recent.end();
  taken.last_offered = hub_.last_seq_;
  // Out of a list the writer has taken since: this queue is awake, not parked.
  if (parked_round_ != hub_.wake_round_) parked_round_ = 0;
  if (lapped_locked()) {
    // Whatever was published until now is the log's to hand over.
    overflowed_ = false;
    taken.overflowed = true;
    next_ = end;
    park_locked();
    return taken;
  }
  const bool unfiltered = filter_.empty();
  const bool coalescing = coalesce_ms_ > 0;
  if (end - next_ > taken.events.capacity()) taken.events.reserve(static_cast<size_t>(std::min<uint64_t>(max, end - next_)));
  while (next_ < end && taken.events.size() < max) {
    const uint64_t position = next_++;
    const EventPtr& event = recent.at(position).event;
    if (!unfiltered && !filter_.matches(*event)) continue;
    if (coalescing && coalesced(recent, position, end)) continue;
    taken.events.push_back(event);
  }
  if (next_ == end) {
    taken.drained = true;
    park_locked();
  }
  return taken;
}

bool SubscriptionQueue::overflowed() {
  std::lock_guard lock(hub_.mu_);
  return lapped_locked();
}

bool SubscriptionQueue::pending() {
  if (closed_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(hub_.mu_);
  return lapped_locked() || next_ < hub_.recent_.end();
}

int64_t SubscriptionQueue::live_from() {
  std::lock_guard lock(hub_.mu_);
  if (lapped_locked() || next_ == hub_.recent_.end()) return 0;
  return hub_.recent_.at(next_).event->seq;
}

void SubscriptionQueue::close() {
  std::lock_guard lock(wake_mu_);
  closed_.store(true, std::memory_order_release);
  wake_ = nullptr;
}

}  // namespace jobwire
