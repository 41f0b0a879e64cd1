#include "store/sqlite/schema.h"

#include <cstdlib>
#include <random>

namespace jobwire {

namespace {

// Index i takes the schema from version i to i + 1. Never edit a shipped entry; append.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      project TEXT NOT NULL,
      parent TEXT REFERENCES jobs(id),
      tree_path TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL,
      progress REAL NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      started_at INTEGER NOT NULL DEFAULT 0,
      completed_at INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL,
      error_message TEXT,
      file_path TEXT,
      policy_name TEXT,
      output_path TEXT,
      summary TEXT NOT NULL DEFAULT 'null',
      validation TEXT NOT NULL DEFAULT 'null',
      log_lines INTEGER NOT NULL DEFAULT 0,
      updated_seq INTEGER NOT NULL
    );
    CREATE INDEX jobs_by_created ON jobs (created_at);
    CREATE INDEX jobs_by_status ON jobs (status, created_at);
    CREATE INDEX jobs_by_parent ON jobs (parent, created_at);
    CREATE INDEX jobs_by_type ON jobs (type, created_at);
    CREATE TABLE logs (
      job_id TEXT NOT NULL,
      line_no INTEGER NOT NULL,
      line TEXT NOT NULL,
      PRIMARY KEY (job_id, line_no)
    ) WITHOUT ROWID;
    CREATE TABLE files (
      file_id TEXT PRIMARY KEY,
      job_id TEXT NOT NULL,
      path TEXT NOT NULL,
      change TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (job_id, path)
    );
    CREATE TABLE events (
      seq INTEGER PRIMARY KEY,
      type TEXT NOT NULL,
      ts INTEGER NOT NULL,
      job TEXT NOT NULL,
      project TEXT NOT NULL,
      tree_path TEXT NOT NULL,
      envelope TEXT NOT NULL
    );
    CREATE INDEX events_by_ts ON events (ts);
    )sql",
    // Times map to seqs by bisection (store/event_times.h): no index entry per event.
    R"sql(
    DROP INDEX events_by_ts;
    )sql",
    // Idempotency keys (store/idempotency_keys.h): each with the request's fingerprint and the
    // job and event its first write committed, which answer every retry.
    R"sql(
    CREATE TABLE idempotency_keys (
      key TEXT NOT NULL UNIQUE,
      fingerprint TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      job_snapshot TEXT,
      seq INTEGER NOT NULL,
      type TEXT NOT NULL,
      ts INTEGER NOT NULL,
      job TEXT NOT NULL,
      project TEXT NOT NULL,
      tree_path TEXT NOT NULL,
      envelope TEXT NOT NULL
    );
    CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
    )sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion);

std::string make_epoch() {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  static const char kHex[] = "0123456789abcdef";
  std::string epoch;
  for (int i = 0; i < 16; ++i) epoch += kHex[rng() % 16];
  return epoch;
}

Result<int> user_version(SqliteDb& db) {
  Statement stmt(db.handle(), "PRAGMA user_version");
  if (!stmt.valid() || !stmt.step()) return db.last_error("read schema version");
  return static_cast<int>(stmt.int64(0));
}

}  // namespace

Status migrate(SqliteDb& db) {
  auto version = user_version(db);
  if (!version.ok()) return version.status();
  if (version.value() > kSchemaVersion)
    return {Code::invalid_argument, "the database has schema version " + std::to_string(version.value()) +
                                        ", newer than this build understands (" + std::to_string(kSchemaVersion) +
                                        ")"};
  for (int v = version.value(); v < kSchemaVersion; ++v) {
    Status s = db.exec("BEGIN IMMEDIATE");
    if (s.ok()) s = db.exec(kMigrations[v]);
    if (s.ok() && v == 0) {
      Statement insert(db.handle(), "INSERT INTO meta (key, value) VALUES ('epoch', ?1), ('pruned_through', '0')");
      std::string epoch = make_epoch();
      insert.bind(1, std::string_view(epoch));
      s = insert.run();
    }
    if (s.ok()) s = db.exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    if (s.ok()) s = db.exec("COMMIT");
    if (!s.ok()) {
      db.exec("ROLLBACK");
      return s;
    }
  }
  return Status::Ok();
}

Result<StoreMeta> read_meta(SqliteDb& db) {
  Statement stmt(db.handle(), "SELECT key, value FROM meta");
  if (!stmt.valid()) return stmt.status();
  StoreMeta meta;
  while (stmt.step()) {
    std::string key = stmt.text(0);
    if (key == "epoch") meta.epoch = stmt.text(1);
    if (key == "pruned_through") meta.pruned_through = std::strtoll(stmt.text(1).c_str(), nullptr, 10);
  }
  if (!stmt.status().ok()) return stmt.status();
  if (meta.epoch.empty()) return Status{Code::io_error, "the database has no epoch: not a jobwire store"};
  return meta;
}

}  // namespace jobwire
