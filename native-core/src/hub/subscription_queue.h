// One subscriber's bounded queue. The writer thread offers committed batches; the consumer
// takes them. On overflow the queue empties itself, gives its memory back and remembers
// that it did, so the subscriber catches up from the log instead of making the producer
// wait. Until the consumer next takes, nothing more is queued: the log holds it all, and a
// consumer that has stopped (a stalled socket) costs no memory however long it stays.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

class SubscriptionQueue {
 public:
  SubscriptionQueue(EventFilter filter, size_t limit, int coalesce_ms, std::function<void()> wake);

  struct Offered {
    size_t handed = 0;       // events this subscriber was handed
    bool overflowed = false; // the queue overflowed on this batch
  };
  // Writer thread: appends the batch's matching events; coalesces undelivered progress.
  Offered offer(const std::vector<EventPtr>& batch);
  // Consumer: it cannot take for a while (its socket stopped). Empties the queue as an
  // overflow does; false when it had already overflowed (nothing was dropped now).
  bool shed();
  // It overflowed (or was shed) and the consumer has not taken since.
  bool overflowed() const;

  struct Taken {
    std::vector<EventPtr> events;
    bool overflowed = false;   // the queue overflowed since the last take; events are empty
    bool drained = false;      // nothing is left after this take
    int64_t last_offered = 0;  // the newest seq offered, matching or not
  };
  Taken take(size_t max);

  bool pending() const;
  // The first seq queued since the subscriber attached or took its last overflow; 0 if none yet.
  int64_t live_from() const;
  const EventFilter& filter() const noexcept { return filter_; }
  uint64_t overflows() const;
  // Event slots allocated now (what the queue costs in memory besides the shared events).
  size_t held_slots() const;
  // After close, offer does nothing and wake is never called again.
  void close();

 private:
  size_t pending_count() const noexcept { return items_.size() - head_; }
  void notify_locked();
  // Drops what is queued, with its memory; the consumer catches up from the log.
  void drop_queued_locked();

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
