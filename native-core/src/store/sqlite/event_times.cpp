#include "store/sqlite/event_times.h"

#include "store/time_bisect.h"

namespace jobwire {

Status EventTimes::prepare(sqlite3* db) {
  probe_ = Statement(db, "SELECT seq, ts FROM events WHERE seq >= ?1 ORDER BY seq LIMIT 1");
  return probe_.valid() ? Status::Ok() : probe_.status();
}

Result<int64_t> EventTimes::first_at_or_after(int64_t ms, int64_t from, int64_t to) {
  return first_seq_at_or_after(ms, from, to, [this](int64_t seq) -> Result<std::optional<SeqTime>> {
    probe_.bind(1, seq);
    std::optional<SeqTime> event;
    if (probe_.step()) event = SeqTime{probe_.int64(0), probe_.int64(1)};
    Status s = probe_.status();
    probe_.reset();
    if (!s.ok()) return s;
    return event;
  });
}

}  // namespace jobwire
