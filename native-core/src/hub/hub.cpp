#include "hub/hub.h"

#include <algorithm>

namespace jobwire {
namespace {

bool any_matches(const EventFilter& filter, const std::vector<EventPtr>& batch) {
  if (filter.empty()) return true;
  return std::any_of(batch.begin(), batch.end(), [&](const EventPtr& event) { return filter.matches(*event); });
}

void remove_queue(std::vector<std::shared_ptr<SubscriptionQueue>>& queues, const SubscriptionQueue* queue,
                  std::shared_ptr<SubscriptionQueue>& removed) {
  auto it = std::find_if(queues.begin(), queues.end(), [&](const auto& q) { return q.get() == queue; });
  if (it == queues.end()) return;
  removed = std::move(*it);
  *it = std::move(queues.back());
  queues.pop_back();
}

}  // namespace

Hub::Hub(size_t queue_limit) : recent_(queue_limit) {}

void Hub::publish(const std::vector<EventPtr>& batch) {
  if (batch.empty()) return;
  std::vector<EventPtr> released;  // let go of after the lock: the last reference recycles the event
  Queues waking;
  uint64_t round = 0;
  {
    std::lock_guard lock(mu_);
    last_seq_ = batch.back()->seq;
    if (queues_.empty()) {
      recent_.release_before(recent_.end(), released);
      return;
    }
    recent_.append(batch, released);
    appended_since_release_ += batch.size();
    if (appended_since_release_ >= kReleaseEvery) release_read_locked(released);
    waking.swap(parked_);
    round = wake_round_++;
  }
  if (!waking.empty()) wake(waking, round, batch);
}

void Hub::wake(Queues& parked, uint64_t round, const std::vector<EventPtr>& batch) {
  // Outside the lock: a wake posts to a consumer's mailbox, and readers need not wait for it.
  Queues still_parked;
  for (auto& queue : parked) {
    if (any_matches(queue->filter_, batch)) {
      queue->wake();
    } else {
      still_parked.push_back(std::move(queue));
    }
  }
  if (still_parked.empty()) return;
  std::lock_guard lock(mu_);
  for (auto& queue : still_parked) {
    // A queue that took meanwhile left the old list, and parks itself when it has read all.
    if (queue->parked_round_ != round) continue;
    queue->parked_round_ = wake_round_;
    parked_.push_back(std::move(queue));
  }
}

void Hub::release_read_locked(std::vector<EventPtr>& released) {
  appended_since_release_ = 0;
  uint64_t oldest_unread = recent_.end();
  for (const auto& queue : queues_) {
    if (queue->reads_window_locked()) oldest_unread = std::min(oldest_unread, queue->next_);
  }
  recent_.release_before(oldest_unread, released);
}

std::shared_ptr<SubscriptionQueue> Hub::attach(EventFilter filter, size_t limit, int coalesce_ms,
                                               std::function<void()> wake) {
  std::lock_guard lock(mu_);
  return attach_locked(std::move(filter), limit, coalesce_ms, std::move(wake));
}

std::shared_ptr<SubscriptionQueue> Hub::attach_locked(EventFilter filter, size_t limit, int coalesce_ms,
                                                      std::function<void()> wake) {
  auto queue = std::make_shared<SubscriptionQueue>(*this, std::move(filter), std::min(limit, recent_.max_held()),
                                                   coalesce_ms, std::move(wake));
  queue->next_ = recent_.end();
  queues_.push_back(queue);
  queue->park_locked();
  return queue;
}

void Hub::detach(const SubscriptionQueue* queue) {
  std::shared_ptr<SubscriptionQueue> removed, unparked;  // released outside the lock
  std::lock_guard lock(mu_);
  remove_queue(queues_, queue, removed);
  if (removed && removed->parked_round_ == wake_round_) remove_queue(parked_, queue, unparked);
}

void Hub::close_all() {
  Queues queues, parked;
  {
    std::lock_guard lock(mu_);
    queues.swap(queues_);
    parked.swap(parked_);
  }
  for (const auto& queue : queues) queue->close();
}

size_t Hub::subscriber_count() const {
  std::lock_guard lock(mu_);
  return queues_.size();
}

size_t Hub::held_events() const {
  std::lock_guard lock(mu_);
  return recent_.held();
}

size_t Hub::window_slots() const {
  std::lock_guard lock(mu_);
  return recent_.capacity();
}

}  // namespace jobwire
