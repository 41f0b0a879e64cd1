// A subscription to the event log: live events after a cursor, caught up from the log when
// it falls behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

// What a subscription hands over on each take.
struct Delivery {
  std::vector<EventPtr> events;  // in seq order, each seq above the previous take's
  bool gap = false;    // the queue overflowed; `events` continue from the log without a hole
  bool reset = false;  // the cursor fell behind retention: refetch snapshots; continues live
  int64_t cursor = 0;  // the last seq this subscription has passed (delivered or filtered)
};

class Subscription {
 public:
  virtual ~Subscription() = default;
  // Takes up to `max` events. Reads the log on this thread while catching up (after a
  // resume or a gap); otherwise only swaps the queue. Call from one thread at a time.
  virtual Delivery take(size_t max) = 0;
  // True when a take would return something now.
  virtual bool ready() const = 0;
  // True when the next take reads the log (catching up after a resume or a gap) and may
  // wait on the store: a thread that must not wait takes elsewhere.
  virtual bool reads_log() const = 0;
  virtual int64_t cursor() const = 0;
  // The consumer cannot take for a while (its socket stopped): the queue is dropped now
  // rather than left to fill up, and the next take reports a gap and catches up from the
  // log. Call from the thread that takes.
  virtual void shed() = 0;
  // Detaches from the hub. The wake callback is never called once close has returned.
  virtual void close() = 0;
};

struct SubscribeOptions {
  std::optional<int64_t> after;  // resume after this seq; absent: from the current head
  EventFilter filter;
  size_t queue_limit = 0;  // 0: CoreOptions::subscriber_queue_limit, which also bounds it (rounded up to a power of two)
  // Called from a core thread when the subscription turns ready. It must not block and must
  // not call take(); post to your own thread and take there. Wakeups may merge.
  std::function<void()> wake;
};

}  // namespace jobwire
