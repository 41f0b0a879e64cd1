// Fans committed batches out to every attached subscriber. The writer appends each batch
// once to the recent events that all subscribers share, then wakes the subscribers that had
// read everything (the parked ones); the others are awake already and read on from their own
// position. Publishing never waits on a consumer: a subscriber that falls more than its limit
// behind is told it overflowed and catches up from the log.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "hub/recent_events.h"
#include "hub/subscription_queue.h"

namespace jobwire {

class Hub {
 public:
  // Keeps enough recent events for a subscriber `queue_limit` behind.
  explicit Hub(size_t queue_limit);

  // Writer thread, after each commit, in seq order; one publisher at a time (a filtered
  // subscriber the batch did not wake is parked again before the next publish takes the list).
  void publish(const std::vector<EventPtr>& batch);

  // A subscriber whose first event is the next one published. Its limit is at most the
  // hub's queue_limit (rounded up to a power of two).
  std::shared_ptr<SubscriptionQueue> attach(EventFilter filter, size_t limit, int coalesce_ms, std::function<void()> wake);
  void detach(const SubscriptionQueue* queue);
  // Closes and detaches every queue (the core is closing).
  void close_all();

  size_t subscriber_count() const;
  // Events the hub holds for its subscribers: those some subscriber has yet to read, and at
  // most the last kReleaseEvery besides.
  size_t held_events() const;
  // Slots the window has for them: it grows for a lagging subscriber and shrinks after.
  size_t window_slots() const;
  // Subscribers that fell behind and were told to catch up from the log: overflowed, or shed.
  uint64_t queue_drops() const noexcept { return queue_drops_.load(std::memory_order_relaxed); }
  // A consumer shed its queue (SubscriptionQueue::shed returned true).
  void count_shed() noexcept { queue_drops_.fetch_add(1, std::memory_order_relaxed); }

  // Runs fn under the publish lock: nothing is published meanwhile. Used to read the
  // head and attach in one step.
  template <class Fn>
  auto locked(Fn&& fn) {
    std::lock_guard lock(mu_);
    return fn();
  }
  std::shared_ptr<SubscriptionQueue> attach_locked(EventFilter filter, size_t limit, int coalesce_ms,
                                                   std::function<void()> wake);

  // Publishing lets go of events every subscriber has read once per this many events.
  static constexpr uint64_t kReleaseEvery = 256;

 private:
  friend class SubscriptionQueue;
  using Queues = std::vector<std::shared_ptr<SubscriptionQueue>>;

  void release_read_locked(std::vector<EventPtr>& released);
  // Wakes the parked subscribers that this batch has something for; parks the others again.
  void wake(Queues& parked, uint64_t round, const std::vector<EventPtr>& batch);

  mutable std::mutex mu_;  // guards what follows, and each queue's reading state
  RecentEvents recent_;
  int64_t last_seq_ = 0;
  Queues queues_;
  // Subscribers that read everything and wait to be woken. Each publish takes the whole list;
  // wake_round_ counts the lists, so a queue knows whether it is in the current one.
  Queues parked_;
  uint64_t wake_round_ = 1;
  uint64_t appended_since_release_ = 0;
  std::atomic<uint64_t> queue_drops_{0};
};

}  // namespace jobwire
