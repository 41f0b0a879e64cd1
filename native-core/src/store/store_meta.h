// What every store keeps beside its log: its epoch and how far retention pruned the log.
// Neutral, so the SQLite and PostgreSQL stores share it without including each other.
#pragma once

#include <cstdint>
#include <string>

namespace jobwire {

struct StoreMeta {
  std::string epoch;
  int64_t pruned_through = 0;
};

}  // namespace jobwire
