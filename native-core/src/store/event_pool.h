// Events the writer makes, kept for reuse once nobody holds them. A recycled event's strings
// keep their buffers, so the writer's most frequent allocations (the event, its tree path and
// its envelope, then freeing all three) happen once per pooled event instead of per write.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

#if defined(__SANITIZE_ADDRESS__)
#define JOBWIRE_EVENT_POOL_REUSES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JOBWIRE_EVENT_POOL_REUSES 0
#endif
#endif
#ifndef JOBWIRE_EVENT_POOL_REUSES
#define JOBWIRE_EVENT_POOL_REUSES 1
#endif

class EventPool : public std::enable_shared_from_this<EventPool> {
 public:
  // Under ASan nothing is reused: a stale pointer to a released event stays a use after
  // free that ASan reports, instead of reading the next write's event.
  static constexpr bool kReuses = JOBWIRE_EVENT_POOL_REUSES;

  // An event to fill in whole: reused or new. It comes back here when its last holder lets
  // go, on whichever thread that is.
  std::shared_ptr<Event> make();

 private:
  void recycle(Event* event);

  std::mutex mu_;
  std::vector<std::unique_ptr<Event>> free_;
};

}  // namespace jobwire
