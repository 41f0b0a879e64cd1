#include "store/event_pool.h"

#include <sanitizer/asan_interface.h>

namespace jobwire {

namespace {

// Enough for the events of a few groups in flight (completions, subscriber queues); past it,
// released events are freed.
constexpr size_t kMaxPooled = 2048;
// A large envelope (a custom event's data) is not kept: its buffer would stay pinned.
constexpr size_t kMaxPooledEnvelope = 4096;

}  // namespace

EventPool::~EventPool() {
  for (auto& event : free_) ASAN_UNPOISON_MEMORY_REGION(event.get(), sizeof(Event));
}

std::shared_ptr<Event> EventPool::make() {
  std::unique_ptr<Event> event;
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      event = std::move(free_.back());
      free_.pop_back();
      ASAN_UNPOISON_MEMORY_REGION(event.get(), sizeof(Event));
    }
  }
  if (!event) event = std::make_unique<Event>();
  return std::shared_ptr<Event>(event.release(), [pool = shared_from_this()](Event* released) {
    pool->recycle(released);
  });
}

void EventPool::recycle(Event* event) {
  std::unique_ptr<Event> owned(event);
  if (owned->json.capacity() > kMaxPooledEnvelope) return;
  std::lock_guard lock(mu_);
  if (free_.size() >= kMaxPooled) return;
  // Under ASan a pooled event is unaddressable, as a freed one would be: a holder of a
  // stale pointer is still caught.
  ASAN_POISON_MEMORY_REGION(owned.get(), sizeof(Event));
  free_.push_back(std::move(owned));
}

}  // namespace jobwire
