// The SSE frame of each recent event (`id:`, `event:`, `data:` lines), formatted once per
// server instead of once per stream: at 10,000 streams every event is sent 10,000 times.
// Loop thread only. A seq names one event for the life of a store, so the seq is the key.
// Each frame is shared: a stream queues a reference to it, never a copy, so a thousand slow
// readers of one event hold one frame (kept alive by their references after its slot is reused).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "http/output_queue.h"
#include "jobwire/event.h"

namespace jobwire::http {

class SseFrames {
 public:
  // The frame of `event`.
  SharedBytes frame(const Event& event);

 private:
  struct Slot {
    int64_t seq = 0;
    SharedBytes frame;
  };
  // Enough for every event a scheduler sweep carries (a few hundred ms of events).
  std::array<Slot, 4096> slots_;
};

}  // namespace jobwire::http
