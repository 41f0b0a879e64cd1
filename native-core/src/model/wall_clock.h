// The wall clock in milliseconds since the Unix epoch: what events' timestamps and a running
// job's duration are measured in.
#pragma once

#include <chrono>
#include <cstdint>

namespace jobwire {

inline int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace jobwire
