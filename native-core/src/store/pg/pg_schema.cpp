// The PostgreSQL schema, for an operator reading it with plain SQL.
//
// events: the log, one row per committed event, gap-free and totally ordered.
//   seq        bigint primary key  the event's position in the log: 1, 2, 3, …
//   type       text                job.created, job.status, job.progress, job.log,
//                                  job.file, job.updated or a producer's x.*
//   ts         bigint              when it committed, in ms since the Unix epoch (UTC);
//                                  never decreases along seq
//   job        text                the job it concerns (jobs.id)
//   project    text                that job's project
//   tree_path  text                that job's path from its root job, for subtree queries
//   envelope   text                the event exactly as every transport sends it (JSON),
//                                  kept as text so it stays byte-exact; query it with
//                                  envelope::jsonb, e.g.
//                                  SELECT seq, envelope::jsonb->'data' FROM events
//                                  WHERE job = 'j_…' ORDER BY seq;
// Events with seq <= meta.pruned_through were removed by retention.
//
// meta (key, value): schema_version, epoch (made once with the schema; a changed epoch
// tells clients the store was replaced), pruned_through.
// jobs, logs, files, idempotency_keys: as in the SQLite store (store/sqlite/schema.cpp); times
// are ms since the Unix epoch, JSON columns (summary, validation, job_snapshot) are text.
// jobs has one column more: created_seq, the seq of the job.created event (SQLite orders
// jobs created in the same ms by rowid; PostgreSQL has none).
#include "store/pg/pg_schema.h"

#include <string>

namespace jobwire {

namespace {

// Any fixed number: every jobwire instance on a database takes this session lock to
// migrate, so migrations run one instance at a time. ("jobwire" in ASCII.)
constexpr const char* kLockMigrations = "SELECT pg_advisory_lock(29958816232206949)";
constexpr const char* kUnlockMigrations = "SELECT pg_advisory_unlock(29958816232206949)";

// Index i takes the schema from version i to i + 1. Never edit a shipped entry; append.
// SQLite's INTEGER is 64-bit: bigint throughout; REAL: double precision. Needs PostgreSQL 13
// or newer (gen_random_uuid).
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
    CREATE TABLE jobs (
      id text PRIMARY KEY,
      type text NOT NULL,
      project text NOT NULL,
      parent text REFERENCES jobs(id),
      tree_path text NOT NULL,
      priority bigint NOT NULL DEFAULT 0,
      status text NOT NULL,
      progress double precision NOT NULL DEFAULT 0,
      created_at bigint NOT NULL,
      started_at bigint NOT NULL DEFAULT 0,
      completed_at bigint NOT NULL DEFAULT 0,
      updated_at bigint NOT NULL,
      error_message text,
      file_path text,
      policy_name text,
      output_path text,
      summary text NOT NULL DEFAULT 'null',
      validation text NOT NULL DEFAULT 'null',
      log_lines bigint NOT NULL DEFAULT 0,
      updated_seq bigint NOT NULL,
      -- The seq of the event that created the job: list_jobs's tie-break between jobs
      -- created in the same ms, the insertion order SQLite's rowid gives.
      created_seq bigint NOT NULL
    );
    CREATE INDEX jobs_by_created ON jobs (created_at, created_seq);
    CREATE INDEX jobs_by_status ON jobs (status, created_at, created_seq);
    CREATE INDEX jobs_by_parent ON jobs (parent, created_at, created_seq);
    CREATE INDEX jobs_by_type ON jobs (type, created_at, created_seq);
    CREATE TABLE logs (
      job_id text NOT NULL,
      line_no bigint NOT NULL,
      line text NOT NULL,
      PRIMARY KEY (job_id, line_no)
    );
    CREATE TABLE files (
      file_id text PRIMARY KEY,
      job_id text NOT NULL,
      path text NOT NULL,
      change text NOT NULL,
      updated_at bigint NOT NULL,
      UNIQUE (job_id, path)
    );
    -- No index on ts: times map to seqs by bisection over seq (store/sqlite/event_times.h).
    CREATE TABLE events (
      seq bigint PRIMARY KEY,
      type text NOT NULL,
      ts bigint NOT NULL,
      job text NOT NULL,
      project text NOT NULL,
      tree_path text NOT NULL,
      envelope text NOT NULL
    );
    -- id stands in for SQLite's rowid, which the SQLite store forgets the oldest keys by.
    CREATE TABLE idempotency_keys (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL UNIQUE,
      fingerprint text NOT NULL,
      created_at bigint NOT NULL,
      job_snapshot text,
      seq bigint NOT NULL,
      type text NOT NULL,
      ts bigint NOT NULL,
      job text NOT NULL,
      project text NOT NULL,
      tree_path text NOT NULL,
      envelope text NOT NULL
    );
    CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
    -- The epoch: 16 hex digits, as the SQLite store makes it.
    INSERT INTO meta (key, value) VALUES
      ('epoch', substr(md5(gen_random_uuid()::text), 1, 16)),
      ('pruned_through', '0'),
      ('schema_version', '0');
    )sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kPgSchemaVersion);

// 0 for a database without the meta table (a new store). Two queries: a statement naming a
// missing table fails when parsed, whichever branch would run.
Result<int> schema_version(PgConn& conn) {
  auto exists = conn.exec("SELECT to_regclass('meta') IS NOT NULL");
  if (!exists.ok()) return exists.status();
  if (exists->text(0, 0) != "t") return 0;
  auto version = conn.exec("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version.ok()) return version.status();
  if (version->rows() != 1)
    return Status{Code::invalid_argument, "the meta table has no schema_version: this database is not a jobwire store"};
  return static_cast<int>(version->int64(0, 0));
}

Status apply(PgConn& conn, int from_version) {
  Status s = conn.exec("BEGIN").status();
  if (s.ok()) s = conn.exec(kMigrations[from_version]).status();
  if (s.ok())
    s = conn.query("UPDATE meta SET value = $1 WHERE key = 'schema_version'", {std::to_string(from_version + 1)})
            .status();
  if (s.ok()) s = conn.exec("COMMIT").status();
  if (!s.ok()) conn.exec("ROLLBACK");
  return s;
}

Status migrate_locked(PgConn& conn) {
  auto version = schema_version(conn);
  if (!version.ok()) return version.status();
  if (version.value() > kPgSchemaVersion)
    return {Code::invalid_argument, "the database has schema version " + std::to_string(version.value()) +
                                        ", newer than this build understands (" + std::to_string(kPgSchemaVersion) +
                                        ")"};
  for (int v = version.value(); v < kPgSchemaVersion; ++v) {
    Status s = apply(conn, v);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status pg_migrate(PgConn& conn) {
  // Session-level: held across the per-step transactions, and released by the server if
  // this connection dies half-way.
  Status s = conn.exec(kLockMigrations).status();
  if (!s.ok()) return s;
  s = migrate_locked(conn);
  Status unlocked = conn.exec(kUnlockMigrations).status();
  return s.ok() ? unlocked : s;
}

Result<StoreMeta> pg_read_meta(PgConn& conn) {
  auto result = conn.exec("SELECT key, value FROM meta WHERE key IN ('epoch', 'pruned_through')");
  if (!result.ok()) return result.status();
  StoreMeta meta;
  for (int row = 0; row < result->rows(); ++row) {
    std::string key = result->text(row, 0);
    if (key == "epoch") meta.epoch = result->text(row, 1);
    if (key == "pruned_through") meta.pruned_through = result->int64(row, 1);
  }
  if (meta.epoch.empty()) return Status{Code::io_error, "the database has no epoch: not a jobwire store"};
  return meta;
}

}  // namespace jobwire
