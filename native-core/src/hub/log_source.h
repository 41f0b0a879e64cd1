// What a subscription needs from the store to catch up: the log after a cursor.
#pragma once

#include <cstdint>

#include "jobwire/event.h"
#include "jobwire/status.h"

namespace jobwire {

class LogSource {
 public:
  virtual ~LogSource() = default;
  // Events with after < seq < below (below 0: no bound), at most `limit`, in seq order.
  // `next` is the last seq passed; when the log holds nothing more below a bound, it is
  // below - 1. Answers `reset` when `after` is behind retention or beyond the head.
  virtual Result<EventPage> read_log(int64_t after, size_t limit, const EventFilter& filter, int64_t below) = 0;
  virtual int64_t head_seq() const = 0;
};

}  // namespace jobwire
