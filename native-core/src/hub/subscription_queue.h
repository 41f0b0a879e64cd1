// One subscriber's bounded queue: its position in the hub's recent events, read forward on
// the consumer's thread. The writer appends each event once for everyone; filtering and
// coalescing happen here, as the consumer takes. When the writer gets more than `limit`
// events ahead, the queue overflows: nothing is read from the recent events until the
// consumer has taken the overflow, and it catches up from the log instead of making the
// producer wait. A consumer that has stopped (a stalled socket) costs no memory of its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

class Hub;
class RecentEvents;

class SubscriptionQueue : public std::enable_shared_from_this<SubscriptionQueue> {
 public:
  // Made by Hub::attach. `wake` is called, on the writer's thread, when an event the filter
  // matches is published after the consumer had taken everything; at most once until the
  // consumer next takes. It must not block and must not call back into this queue.
  SubscriptionQueue(Hub& hub, EventFilter filter, size_t limit, int coalesce_ms, std::function<void()> wake);

  // Consumer: it cannot take for a while (its socket stopped). Overflows the queue now;
  // false when it had already overflowed (nothing was dropped now).
  bool shed();
  // It overflowed (or was shed) and the consumer has not taken since.
  bool overflowed();

  struct Taken {
    std::vector<EventPtr> events;
    bool overflowed = false;   // the queue overflowed since the last take; events are empty
    bool drained = false;      // nothing is left after this take
    int64_t last_offered = 0;  // the newest seq published, matching or not
  };
  // Takes up to `max` events the filter matches. A job.progress is skipped when a newer
  // progress of the same job, published within coalesce_ms of it, is already published.
  Taken take(size_t max);

  bool pending();
  // The first seq published since the subscriber attached or took its last overflow; 0 if none yet.
  int64_t live_from();
  const EventFilter& filter() const noexcept { return filter_; }
  // After close, wake is never called again and nothing is pending or taken.
  void close();

 private:
  friend class Hub;

  // It reads from the recent events: not overflowed, and the writer is at most limit_ ahead.
  bool reads_window_locked() const;
  // The writer got more than limit_ ahead: overflows (once). Returns overflowed_.
  bool lapped_locked();
  // With coalescing on: a newer progress of the same job, within the window, is published.
  bool coalesced(const RecentEvents& recent, uint64_t position, uint64_t end) const;
  // Joins the hub's parked list, unless already in the current one.
  void park_locked();
  // Writer thread, outside the hub's lock.
  void wake();

  Hub& hub_;
  const EventFilter filter_;
  const size_t limit_;
  const int64_t coalesce_ms_;

  // Guarded by the hub's lock.
  uint64_t next_ = 0;          // the next position to read
  uint64_t parked_round_ = 0;  // the hub's wake round whose parked list holds this queue
  bool overflowed_ = false;

  std::mutex wake_mu_;
  std::function<void()> wake_;       // guarded by wake_mu_
  std::atomic<bool> closed_{false};  // set under wake_mu_
};

}  // namespace jobwire
