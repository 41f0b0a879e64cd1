// One subscriber's bounded queue. The writer thread offers committed batches; the consumer
// takes them. On overflow the queue empties itself and remembers that it did, so the
// subscriber catches up from the log instead of making the producer wait.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

class SubscriberQueue {
 public:
  SubscriberQueue(EventFilter filter, size_t limit, int coalesce_ms, std::function<void()> wake);

  // Writer thread: appends the batch's matching events; coalesces undelivered progress.
  // Returns how many events this subscriber was handed.
  size_t offer(const std::vector<EventPtr>& batch);

  struct Taken {
    std::vector<EventPtr> events;
    bool overflowed = false;   // the queue overflowed since the last take; events are empty
    bool drained = false;      // nothing is left after this take
    int64_t last_offered = 0;  // the newest seq offered, matching or not
  };
  Taken take(size_t max);

  bool pending() const;
  // The first seq offered since the subscriber attached or last overflowed; 0 if none yet.
  int64_t live_from() const;
  const EventFilter& filter() const noexcept { return filter_; }
  uint64_t overflows() const;
  // After close, offer does nothing and wake is never called again.
  void close();

 private:
  size_t pending_count() const noexcept { return items_.size() - head_; }
  void notify_locked();

  mutable std::mutex mu_;
  std::vector<EventPtr> items_;  // items_[head_..] are pending; null entries were coalesced
  size_t head_ = 0;
  std::unordered_map<std::string, size_t> pending_progress_;  // job → index in items_
  const EventFilter filter_;
  const size_t limit_;
  const int64_t coalesce_ms_;
  std::function<void()> wake_;
  int64_t live_from_ = 0;
  int64_t last_offered_ = 0;
  uint64_t overflows_ = 0;
  bool overflowed_ = false;
  bool notified_ = false;
  bool closed_ = false;
};

}  // namespace jobwire
