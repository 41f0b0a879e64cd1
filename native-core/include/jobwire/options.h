// How a core is opened: which store, and the settings every store shares. Settings that only
// one store understands live in that store's own options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace jobwire {

enum class Durability {
  process,  // WAL, synchronous=NORMAL: a committed write survives the process being killed
  power,    // WAL, synchronous=FULL: it also survives power loss (an fsync per group commit)
};

// The embedded store: one SQLite file, one process.
struct SqliteOptions {
  Durability durability = Durability::process;
  // Past this size the WAL starts over from its beginning, even under a steady stream of
  // writes (store/sqlite/checkpointer.h says how).
  int64_t wal_restart_bytes = 16 << 20;
  // Past this size writes wait until the WAL has started over: where the disk cannot keep up,
  // it sets the write pace and the WAL stays bounded. Not below wal_restart_bytes.
  int64_t wal_limit_bytes = 64 << 20;
};

// The shared store: one PostgreSQL database, any number of processes (store/pg/pg_store.h).
struct PostgresOptions {
  size_t readers = 4;  // connections kept for reads; more are opened under load and closed after
  // The follower reads the log this often even when no NOTIFY came, so a lost notification
  // or a dropped LISTEN connection delays events by at most this much.
  int catch_up_ms = 500;
  // Reconnecting to a server that went away waits this long at first, doubling up to the max.
  int reconnect_min_ms = 50;
  int reconnect_max_ms = 2'000;
};

struct CoreOptions {
  // Where the store is: a SQLite file's path, or a PostgreSQL connection string (a
  // postgres:// or postgresql:// URL, with libpq's rules: PG* variables and the password file
  // fill in what it leaves out).
  std::string store = "jobwire.db";
  SqliteOptions sqlite;
  PostgresOptions postgres;
  int64_t retention_events = 1'000'000;
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;
  // How far a subscriber may fall behind the newest event before it catches up from the
  // log instead. The core keeps the most recent events (this many, rounded up to a power of
  // two) once for all its subscribers, while any of them has yet to read them.
  size_t subscriber_queue_limit = 10'000;
  // An undrained job.progress is replaced by a newer one for the same job when the two are
  // less than this far apart. 0 turns coalescing off.
  int progress_flush_ms = 250;
  size_t max_group = 4096;  // most writes one transaction takes
  // How long and how many idempotency keys are kept (WriteOptions): a retry within this
  // window is answered from the first commit; past it, the key is forgotten.
  int64_t idempotency_key_ms = 24LL * 3600 * 1000;
  int64_t idempotency_key_count = 100'000;
};

// True when `store` names a PostgreSQL database rather than a SQLite file.
inline bool names_postgres(std::string_view store) {
  return store.starts_with("postgres://") || store.starts_with("postgresql://");
}

}  // namespace jobwire
