// Finds where a time falls in the event log without an index on ts. The writer stamps events
// with a clock that never goes back (SqliteWriter::clock), so the log is ordered by time as
// well as by seq, and a bisection over seq costs a few rowid lookups instead of an index
// entry written with every event.
#pragma once

#include <cstdint>

#include "store/sqlite/sqlite_db.h"

namespace jobwire {

class EventTimes {
 public:
  Status prepare(sqlite3* db);
  // The first seq in [from, to] stamped at or after `ms`; to + 1 when there is none.
  Result<int64_t> first_at_or_after(int64_t ms, int64_t from, int64_t to);

 private:
  Statement probe_;  // the first event at or after a seq, with its time
};

}  // namespace jobwire
