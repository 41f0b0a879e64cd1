// Fans committed batches out to every attached subscriber queue. Publishing never waits
// on a consumer: each queue is bounded and overflows into a catch-up from the log.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "hub/subscription_queue.h"

namespace jobwire {

class Hub {
 public:
  // Writer thread, after each commit, in seq order.
  void publish(const std::vector<EventPtr>& batch);

  void attach(std::shared_ptr<SubscriptionQueue> queue);
  void detach(const SubscriptionQueue* queue);
  // Closes and detaches every queue (the core is closing).
  void close_all();

  size_t subscriber_count() const;
  uint64_t deliveries() const noexcept { return deliveries_.load(std::memory_order_relaxed); }
  // Subscriber queues emptied because their consumer fell behind: overflowed, or shed.
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
  void attach_locked(std::shared_ptr<SubscriptionQueue> queue);

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<SubscriptionQueue>> queues_;
  std::atomic<uint64_t> deliveries_{0};
  std::atomic<uint64_t> queue_drops_{0};
};

}  // namespace jobwire
