#include "store/event_pool.h"

namespace jobwire {

namespace {

// Enough for the events of a few groups in flight (completions, subscriber queues); past it,
// released events are freed.
constexpr size_t kMaxPooled = EventPool::kReuses ? 2048 : 0;
// A large envelope (a custom event's data) is not kept: its buffer would stay pinned.
constexpr size_t kMaxPooledEnvelope = 4096;

}  // namespace

std::shared_ptr<Event> EventPool::make() {
  std::unique_ptr<Event> event;
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      event = std::move(free_.back());
      free_.pop_back();
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
  if (free_.size() < kMaxPooled) free_.push_back(std::move(owned));
}

}  // namespace jobwire
