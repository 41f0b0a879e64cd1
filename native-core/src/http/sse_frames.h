// The SSE frame of each recent event (`id:`, `event:`, `data:` lines), formatted once per
// server instead of once per stream: at 10,000 streams every event is sent 10,000 times.
// Loop thread only. A seq names one event for the life of a store, so the seq is the key.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "jobwire/event.h"

namespace jobwire::http {

class SseFrames {
 public:
  // The frame of `event`; valid until the next call.
  const std::string& frame(const Event& event);

 private:
  struct Slot {
    int64_t seq = 0;
    std::string frame;
  };
  // Enough for every event a fan-out sweep carries (a few hundred ms of events).
  std::array<Slot, 4096> slots_;
};

}  // namespace jobwire::http
