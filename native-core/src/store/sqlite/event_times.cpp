#include "store/sqlite/event_times.h"

namespace jobwire {

Status EventTimes::prepare(sqlite3* db) {
  probe_ = Statement(db, "SELECT seq, ts FROM events WHERE seq >= ?1 ORDER BY seq LIMIT 1");
  return probe_.valid() ? Status::Ok() : probe_.status();
}

Result<int64_t> EventTimes::first_at_or_after(int64_t ms, int64_t from, int64_t to) {
  // Every seq below lo is stamped before ms; every event from hi on is stamped at or after it.
  int64_t lo = from, hi = to + 1;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    probe_.bind(1, mid);
    bool found = probe_.step();
    int64_t seq = found ? probe_.int64(0) : 0;
    int64_t ts = found ? probe_.int64(1) : 0;
    Status s = probe_.status();
    probe_.reset();
    if (!s.ok()) return s;
    if (!found || seq >= hi || ts >= ms) hi = mid;  // nothing between mid and seq exists
    else lo = seq + 1;
  }
  return lo;
}

}  // namespace jobwire
