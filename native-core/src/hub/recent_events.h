// The events published most recently, in publish order: one copy shared by every
// subscriber. Each event gets a position (0, 1, 2, …) and each subscriber reads forward from
// its own, so publishing costs the same for one subscriber as for 10,000 (the writer used to
// append every event to every subscriber's own queue: 121 ns of each SSE delivery at 10,000
// streams, most of it a cache miss per queue, BENCHMARKS.md issue 15).
//
// For coalescing, each job.progress event is linked to the same job's next one, so a
// reader can tell at read time that a newer progress of that job is already published.
//
// Not thread-safe: the owner (Hub) serializes every call.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

class RecentEvents {
 public:
  struct Slot {
    EventPtr event;
    // The position of the same job's next job.progress; 0 until one is published.
    uint64_t next_progress = 0;
  };

  // Holds at most `max_held` events (rounded up to a power of two). Its slots grow, by
  // doubling, only as far as the events held need, and halve again once a quarter or less
  // of them is held (after a lagging reader caught up).
  explicit RecentEvents(size_t max_held);

  // The most events it holds: the subscribers' limit.
  size_t max_held() const noexcept { return max_held_; }
  // The position the next published event gets.
  uint64_t end() const noexcept { return end_; }
  size_t held() const noexcept { return static_cast<size_t>(end_ - begin_); }
  size_t capacity() const noexcept { return slots_.size(); }
  // A held position: begin() <= position < end().
  const Slot& at(uint64_t position) const noexcept { return slots_[position & mask_]; }

  // Appends the batch. Events pushed out of a full window (max_held) are moved into
  // `released`, for the caller to let go of outside its lock.
  void append(const std::vector<EventPtr>& batch, std::vector<EventPtr>& released);
  // Lets go of every event before `position` (no reader will read them again).
  void release_before(uint64_t position, std::vector<EventPtr>& released);

 private:
  void resize(size_t slots);

  const size_t max_held_;
  std::vector<Slot> slots_;
  uint64_t mask_;
  uint64_t begin_ = 0;
  uint64_t end_ = 0;
  std::unordered_map<std::string, uint64_t> last_progress_;  // job → position of its newest job.progress
  uint64_t links_pruned_at_ = 0;
};

}  // namespace jobwire
