// What a write takes beside its arguments, and what it leaves behind.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire {

// What a caller may add to any write.
struct WriteOptions {
  // A producer-chosen key (1 to 200 bytes) for one logical write. The first write with it
  // commits and stores its Committed in the same transaction; a later write with the same key
  // and the same request commits nothing and is answered with that stored Committed
  // (`replayed`); with the same key and another request it is refused with `conflict`. A
  // refused write stores nothing, so its key may be used again.
  std::optional<std::string> idempotency_key;
};

// What a write leaves behind: the job as it is after the change (absent for an x.* event
// tied to no job) and the event that was stored for it.
struct Committed {
  std::optional<Job> job;
  EventPtr event;
  // Answered from an idempotency key's stored result: nothing new was committed, and `job`
  // and `event` are as the first write with that key left them.
  bool replayed = false;
};

using WriteDone = std::function<void(Result<Committed>)>;

// Where the log stands.
struct LogInfo {
  std::string epoch;       // made when the store was created
  int64_t head_seq = 0;    // the newest committed seq
  int64_t oldest_seq = 1;  // the oldest retained seq (head_seq + 1 when the log is empty)
  // False while the store's database cannot be reached (a shared PostgreSQL store): writes
  // answer `unavailable` and events from other processes wait; streams report "delayed".
  bool reachable = true;
};

// How the store keeps pace with the writes (for /metrics). The WAL figures are SQLite's and
// stay 0 on PostgreSQL.
struct StoreStats {
  int64_t wal_bytes = 0;             // the WAL after the last commit, from where it last started over
  uint64_t wal_limit_waits = 0;      // groups held back because the WAL was past wal_limit_bytes
  double wal_limit_wait_seconds = 0; // how long the writer was held back, in all
};

}  // namespace jobwire
