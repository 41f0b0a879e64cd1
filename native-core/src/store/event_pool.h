// Events the writer makes, kept for reuse once nobody holds them. A recycled event's strings
// keep their buffers, so the writer's most frequent allocations (the event, its tree path and
// its envelope, then freeing all three) happen once per pooled event instead of per write.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

class EventPool : public std::enable_shared_from_this<EventPool> {
 public:
  EventPool() = default;
  ~EventPool();
  EventPool(const EventPool&) = delete;
  EventPool& operator=(const EventPool&) = delete;

  // An event to fill in whole: reused or new. It comes back here when its last holder lets
  // go, on whichever thread that is.
  std::shared_ptr<Event> make();

 private:
  void recycle(Event* event);

  std::mutex mu_;
  std::vector<std::unique_ptr<Event>> free_;
};

}  // namespace jobwire
