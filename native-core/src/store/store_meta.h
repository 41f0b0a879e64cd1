// What every store keeps about itself: its epoch and how far retention pruned the log.
#pragma once

#include <cstdint>
#include <string>

namespace jobwire {

struct StoreMeta {
  std::string epoch;
  int64_t pruned_through = 0;
};

}  // namespace jobwire
