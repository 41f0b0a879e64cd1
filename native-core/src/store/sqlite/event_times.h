// Finds where a time falls in the SQLite event log (store/time_bisect.h), with one prepared
// probe statement.
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
