#include "hub/recent_events.h"

#include <algorithm>
#include <bit>

namespace jobwire {

namespace {

// Slots to start with (a few ticks of a busy fan-out), and the most any limit may ask for.
constexpr size_t kInitialSlots = 1024;
constexpr size_t kMostSlots = size_t{1} << 32;

}  // namespace

RecentEvents::RecentEvents(size_t max_held)
    : max_held_(std::bit_ceil(std::clamp(max_held, size_t{2}, kMostSlots))),
      slots_(std::min(max_held_, kInitialSlots)),
      mask_(slots_.size() - 1) {}

// Positions stay; each held slot moves to where the new mask puts it.
void RecentEvents::resize(size_t slots) {
  std::vector<Slot> resized(slots);
  const uint64_t resized_mask = resized.size() - 1;
  for (uint64_t position = begin_; position < end_; ++position)
    resized[position & resized_mask] = std::move(slots_[position & mask_]);
  slots_.swap(resized);
  mask_ = resized_mask;
}

void RecentEvents::append(const std::vector<EventPtr>& batch, std::vector<EventPtr>& released) {
  while (held() + batch.size() > capacity() && capacity() < max_held_) resize(capacity() * 2);
  const size_t free = capacity() - held();
  if (batch.size() > free) released.reserve(released.size() + batch.size() - free);
  for (const EventPtr& event : batch) {
    if (held() == capacity()) released.push_back(std::move(slots_[begin_++ & mask_].event));
    const uint64_t position = end_++;
    Slot& slot = slots_[position & mask_];
    slot.event = event;
    slot.next_progress = 0;
    if (event->type != event_types::kProgress) continue;
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
  // Four times the held events before halving, so a window that grew does not shrink and
  // grow again with every release.
  while (capacity() > kInitialSlots && held() <= capacity() / 4) resize(capacity() / 2);
}

}  // namespace jobwire
