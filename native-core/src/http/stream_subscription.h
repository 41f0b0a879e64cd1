// A connection's subscription to the core: its wakeups (from a core thread) post the
// connection's id to the mailbox, at most once until the loop takes, and the loop takes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "jobwire/core.h"

namespace jobwire::http {

class ServerLoop;

class StreamSubscription {
 public:
  // Subscribes connection `id` after `after` (absent: from the head) with `filter`.
  static Result<std::unique_ptr<StreamSubscription>> open(ServerLoop& server, uint64_t id, std::optional<int64_t> after,
                                            EventFilter filter);
  ~StreamSubscription();
  StreamSubscription(const StreamSubscription&) = delete;
  StreamSubscription& operator=(const StreamSubscription&) = delete;

  // Takes up to `max` events (loop thread).
  Delivery take(size_t max);
  bool ready() const { return subscription_->ready(); }
  int64_t cursor() const { return subscription_->cursor(); }
  // The stream's socket stopped taking bytes: drop the queue (Subscription::shed).
  void shed() { subscription_->shed(); }

 private:
  StreamSubscription(std::shared_ptr<Subscription> subscription, std::shared_ptr<std::atomic<bool>> posted)
      : subscription_(std::move(subscription)), posted_(std::move(posted)) {}

  std::shared_ptr<Subscription> subscription_;
  // Set when a wakeup was posted and not yet taken: merges the wakeups of a busy stream.
  std::shared_ptr<std::atomic<bool>> posted_;
};

}  // namespace jobwire::http
