#include "hub/recent_events.h"

#include <bit>

namespace jobwire {

RecentEvents::RecentEvents(size_t capacity)
    : slots_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity)), mask_(slots_.size() - 1) {}

void RecentEvents::append(const std::vector<EventPtr>& batch, std::vector<EventPtr>& released) {
  const size_t free = capacity() - held();
  if (batch.size() > free) released.reserve(released.size() + batch.size() - free);
  for (const EventPtr& event : batch) {
    if (held() == capacity()) released.push_back(std::move(slots_[begin_++ & mask_].event));
    const uint64_t position = end_++;
    Slot& slot = slots_[position & mask_];
    slot.event = event;
    slot.next_progress = 0;
    if (event->type != "job.progress") continue;
    auto [newest, inserted] = last_progress_.try_emplace(event->job, position);
    if (inserted) continue;
    if (newest->second >= begin_) slots_[newest->second & mask_].next_progress = position;
    newest->second = position;
  }
  // Once per window, forget jobs whose newest progress has left it: the map stays as small
  // as the set of jobs with progress in the window.
  if (end_ - links_pruned_at_ >= capacity()) {
    std::erase_if(last_progress_, [&](const auto& entry) { return entry.second < begin_; });
    links_pruned_at_ = end_;
  }
}

void RecentEvents::release_before(uint64_t position, std::vector<EventPtr>& released) {
  if (position > end_) position = end_;
  if (position > begin_) released.reserve(released.size() + static_cast<size_t>(position - begin_));
  while (begin_ < position) released.push_back(std::move(slots_[begin_++ & mask_].event));
}

}  // namespace jobwire
