#include "store/pg/pg_writer.h"

#include <algorithm>

#include "store/pg/pg_rows.h"
#include "store/pg/pg_schema.h"
#include "store/stored_key.h"
#include "store/time_bisect.h"

namespace jobwire {

namespace {

// The advisory lock every writer on the store takes for its transaction (see
// begin_transaction). Any fixed number other than pg_schema's migration lock.
constexpr const char* kBeginLocked = "BEGIN; SELECT pg_advisory_xact_lock(29958816232206950)";

constexpr const char* kLogStart =
    "SELECT greatest(coalesce((SELECT max(seq) FROM events), 0), p.v), p.v, "
    "coalesce((SELECT ts FROM events ORDER BY seq DESC LIMIT 1), 0) "
    "FROM (SELECT value::bigint AS v FROM meta WHERE key = 'pruned_through') AS p";

struct Prepared {
  const char* name;
  const char* sql;
};

const Prepared kStatements[] = {
    {"job_exists", "SELECT 1 FROM jobs WHERE id = $1"},
    {"select_job", "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs WHERE id = $1"},
    {"insert_job",
     "INSERT INTO jobs (id, type, project, parent, tree_path, priority, status, progress, created_at, updated_at, "
     "file_path, policy_name, output_path, summary, updated_seq, created_seq) "
     "VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $8, $9, $10, $11, $12, $12)"},
    {"update_jobs",
     "UPDATE jobs SET status = x.status, progress = x.progress, started_at = x.started_at, "
     "completed_at = x.completed_at, error_message = x.error_message, file_path = x.file_path, "
     "policy_name = x.policy_name, output_path = x.output_path, summary = x.summary, validation = x.validation, "
     "log_lines = x.log_lines, priority = x.priority, updated_seq = x.updated_seq, updated_at = x.updated_at "
     "FROM json_to_recordset($1::json) AS x(id text, status text, progress double precision, started_at bigint, "
     "completed_at bigint, error_message text, file_path text, policy_name text, output_path text, summary text, "
     "validation text, log_lines bigint, priority bigint, updated_seq bigint, updated_at bigint) "
     "WHERE jobs.id = x.id"},
    {"insert_events",
     "INSERT INTO events (" JOBWIRE_EVENT_COLUMNS ") SELECT " JOBWIRE_EVENT_COLUMNS
     " FROM json_to_recordset($1::json) AS x(seq bigint, type text, ts bigint, job text, project text, "
     "tree_path text, envelope text)"},
    {"insert_logs",
     "INSERT INTO logs (job_id, line_no, line) SELECT $1, $2::bigint + t.n - 1, t.line "
     "FROM json_array_elements_text($3::json) WITH ORDINALITY AS t(line, n)"},
    {"select_file", "SELECT file_id FROM files WHERE job_id = $1 AND path = $2"},
    {"upsert_file",
     "INSERT INTO files (file_id, job_id, path, change, updated_at) VALUES ($1, $2, $3, $4, $5) "
     "ON CONFLICT (file_id) DO UPDATE SET change = excluded.change, updated_at = excluded.updated_at"},
    {"probe_time", "SELECT seq, ts FROM events WHERE seq >= $1 ORDER BY seq LIMIT 1"},
    {"prune_events", "DELETE FROM events WHERE seq <= $1"},
    {"save_pruned", "UPDATE meta SET value = $1 WHERE key = 'pruned_through'"},
    {"select_key",
     "SELECT " JOBWIRE_EVENT_COLUMNS ", fingerprint, created_at, job_snapshot FROM idempotency_keys WHERE key = $1"},
    // Using a key again after it expired starts it over, as SQLite's INSERT OR REPLACE does.
    {"insert_key",
     "INSERT INTO idempotency_keys (key, fingerprint, created_at, job_snapshot, " JOBWIRE_EVENT_COLUMNS
     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (key) DO UPDATE SET "
     "fingerprint = excluded.fingerprint, created_at = excluded.created_at, job_snapshot = excluded.job_snapshot, "
     "seq = excluded.seq, type = excluded.type, ts = excluded.ts, job = excluded.job, project = excluded.project, "
     "tree_path = excluded.tree_path, envelope = excluded.envelope"},
    {"forget_keys_beyond_count",
     "DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM idempotency_keys WHERE id <= "
     "(SELECT max(id) FROM idempotency_keys) - $1 ORDER BY id LIMIT $2)"},
    {"forget_keys_older_than",
     "DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM idempotency_keys WHERE created_at < $1 "
     "ORDER BY created_at LIMIT $2)"},
};

std::string text(int64_t value) { return std::to_string(value); }

json optional_json(const std::optional<std::string>& value) { return value ? json(*value) : json(); }

}  // namespace

PgWriter::PgWriter(std::string conninfo, KeyRetention keys, PostgresOptions options)
    : conninfo_(std::move(conninfo)), keys_(keys), options_(options) {}

Status PgWriter::open() {
  auto conn = connection();
  if (!conn.ok()) return conn.status();
  auto meta = pg_read_meta(*conn.value());
  if (!meta.ok()) return meta.status();
  epoch_ = meta.value().epoch;
  auto start = read_log_start(*conn.value());
  if (!start.ok()) return start.status();
  start_from(start.value());
  return Status::Ok();
}

Result<PgConn*> PgWriter::connection() {
  if (conn_ && !conn_->broken()) return &*conn_;
  conn_.reset();
  const auto now = std::chrono::steady_clock::now();
  if (now < next_connect_)
    return Status{Code::unavailable, "PostgreSQL is unreachable; the writer reconnects in " +
                                         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                            next_connect_ - now)
                                                            .count()) +
                                         " ms"};
  auto conn = PgConn::connect(conninfo_);
  Status s = conn.ok() ? pg_migrate(conn.value()) : conn.status();
  if (s.ok()) s = prepare(conn.value());
  if (!s.ok()) {
    // Backoff: each failure waits twice as long before the next try, up to the max.
    backoff_ms_ = std::clamp(backoff_ms_ * 2, options_.reconnect_min_ms, options_.reconnect_max_ms);
    next_connect_ = now + std::chrono::milliseconds(backoff_ms_);
    return s;
  }
  backoff_ms_ = 0;
  conn_.emplace(std::move(conn).value());
  return &*conn_;
}

Status PgWriter::prepare(PgConn& conn) {
  for (const Prepared& statement : kStatements)
    if (Status s = conn.prepare(statement.name, statement.sql); !s.ok()) return s;
  return Status::Ok();
}

Result<JobWriter::LogStart> PgWriter::read_log_start(PgConn& conn) {
  auto row = conn.exec(kLogStart);
  if (!row.ok()) return row.status();
  if (row->rows() != 1) return Status{Code::io_error, "the meta table has no pruned_through: not a jobwire store"};
  return LogStart{row->int64(0, 0), row->int64(0, 1), row->int64(0, 2)};
}

Result<PgResult> PgWriter::run(const char* statement, const std::vector<PgParam>& params) {
  if (!conn_) return Status{Code::unavailable, "PostgreSQL is unreachable"};
  return conn_->exec_prepared(statement, params);
}

// How the log stays gap-free with several processes writing: each writer's transaction
// takes one transaction-scoped advisory lock first, reads the head under it, numbers its
// events from there, and holds the lock until its COMMIT is visible (PostgreSQL releases a
// transaction's locks after it has become visible to new snapshots). So transactions that
// write events commit one at a time, in seq order. The interleaving this rules out: writer
// A takes seq 10 and is still open, writer B takes seq 11 and commits; a reader then sees 11
// without 10, moves its cursor past 10, and never sees 10 when A commits. Under the lock, B
// cannot take a seq until A's commit is visible, and every snapshot that sees 11 sees 10.
// The cost: the log's writers are serialised. Group commit makes that one lock hold per
// group, not per write (BENCHMARKS.md gives the limit).
Result<JobWriter::LogStart> PgWriter::begin_transaction() {
  pending_events_ = json::array();
  pending_jobs_ = json::array();
  auto conn = connection();
  if (!conn.ok()) return conn.status();
  auto begun = conn.value()->exec(kBeginLocked);
  if (!begun.ok() && conn.value()->broken()) {
    // The connection died while idle (a server restart, an idle timeout): nothing of this
    // group was sent yet, so one new connection may take it at once.
    conn_.reset();
    conn = connection();
    if (!conn.ok()) return conn.status();
    begun = conn.value()->exec(kBeginLocked);
  }
  if (!begun.ok()) return begun.status();
  return read_log_start(*conn.value());
}

Status PgWriter::flush_rows() {
  if (!pending_events_.empty()) {
    auto inserted = run("insert_events", {pending_events_.dump()});
    if (!inserted.ok()) return inserted.status();
    pending_events_ = json::array();
  }
  if (!pending_jobs_.empty()) {
    auto updated = run("update_jobs", {pending_jobs_.dump()});
    if (!updated.ok()) return updated.status();
    pending_jobs_ = json::array();
  }
  return Status::Ok();
}

Status PgWriter::commit_transaction() {
  if (Status s = flush_rows(); !s.ok()) return s;
  // Every process's follower wakes on the NOTIFY and reads the new events from the table;
  // the payload (the new head) is a hint, never the events themselves.
  const std::string sql = "NOTIFY jobwire_log, '" + text(next_seq() - 1) + "'; COMMIT";
  return conn_->exec(sql).status();
}

void PgWriter::rollback_transaction() {
  pending_events_ = json::array();
  pending_jobs_ = json::array();
  if (conn_ && !conn_->broken()) conn_->exec("ROLLBACK");
}

Result<bool> PgWriter::job_exists(const std::string& id) {
  auto found = run("job_exists", {id});
  if (!found.ok()) return found.status();
  return found->rows() > 0;
}

Result<std::optional<std::pair<Job, std::string>>> PgWriter::select_job(const std::string& id) {
  auto found = run("select_job", {id});
  if (!found.ok()) return found.status();
  if (found->rows() == 0) return std::optional<std::pair<Job, std::string>>();
  std::string tree_path;
  Job job = job_from_row(found.value(), 0, &tree_path);
  return std::optional(std::pair(std::move(job), std::move(tree_path)));
}

Status PgWriter::insert_job(const Job& job, const std::string& tree_path, int64_t now) {
  const std::string priority = text(job.priority), created = text(now), seq = text(job.updated_seq);
  auto opt = [](const std::optional<std::string>& value) { return value ? PgParam(*value) : PgParam(); };
  return run("insert_job", {job.id, job.type, job.project, opt(job.parent), tree_path, priority, created,
                            opt(job.file_path), opt(job.policy_name), opt(job.output_path), job.summary_json, seq})
      .status();
}

Status PgWriter::update_job_row(const Job& job, int64_t updated_at) {
  pending_jobs_.push_back({{"id", job.id},
                           {"status", job_status_name(job.status)},
                           {"progress", job.progress_percent},
                           {"started_at", job.started_at_ms},
                           {"completed_at", job.completed_at_ms},
                           {"error_message", optional_json(job.error_message)},
                           {"file_path", optional_json(job.file_path)},
                           {"policy_name", optional_json(job.policy_name)},
                           {"output_path", optional_json(job.output_path)},
                           {"summary", job.summary_json},
                           {"validation", job.validation_json},
                           {"log_lines", job.log_lines},
                           {"priority", job.priority},
                           {"updated_seq", job.updated_seq},
                           {"updated_at", updated_at}});
  return Status::Ok();
}

Status PgWriter::insert_log_lines(const std::string& id, int64_t first_line_no, const std::vector<std::string>& lines) {
  return run("insert_logs", {id, text(first_line_no), json(lines).dump()}).status();
}

Result<std::optional<std::string>> PgWriter::find_file(const std::string& job_id, const std::string& path) {
  auto found = run("select_file", {job_id, path});
  if (!found.ok()) return found.status();
  if (found->rows() == 0) return std::optional<std::string>();
  return std::optional(found->text(0, 0));
}

Status PgWriter::upsert_file(const std::string& file_id, const std::string& job_id, const std::string& path,
                             FileChange change, int64_t now) {
  return run("upsert_file", {file_id, job_id, path, file_change_name(change), text(now)}).status();
}

Status PgWriter::insert_event(const EventPtr& stored) {
  const Event& event = *stored;
  pending_events_.push_back({{"seq", event.seq},
                             {"type", event.type},
                             {"ts", event.ts_ms},
                             {"job", event.job},
                             {"project", event.project},
                             {"tree_path", event.tree_path},
                             {"envelope", event.json}});
  return Status::Ok();
}

Result<int64_t> PgWriter::first_event_at_or_after(int64_t ms, int64_t from, int64_t to) {
  if (Status s = flush_rows(); !s.ok()) return s;
  return first_seq_at_or_after(ms, from, to, [&](int64_t seq) -> Result<std::optional<SeqTime>> {
    auto probe = run("probe_time", {text(seq)});
    if (!probe.ok()) return probe.status();
    if (probe->rows() == 0) return std::optional<SeqTime>();
    return std::optional(SeqTime{probe->int64(0, 0), probe->int64(0, 1)});
  });
}

Status PgWriter::prune_through(int64_t seq) {
  if (Status s = flush_rows(); !s.ok()) return s;
  const std::string through = text(seq);
  Status s = run("prune_events", {through}).status();
  return s.ok() ? run("save_pruned", {through}).status() : s;
}

Result<std::optional<Committed>> PgWriter::find_key(const WriteKey& key, int64_t now) {
  auto found = run("select_key", {key.key});
  if (!found.ok()) return found.status();
  if (found->rows() == 0) return std::optional<Committed>();
  StoredKey stored;
  stored.event = event_from_row(found.value(), 0);
  stored.fingerprint = found->text(0, 7);
  stored.created_at = found->int64(0, 8);
  stored.job_snapshot = found->optional_text(0, 9);
  return answer_from_stored_key(key, std::move(stored), now, keys_.keep_ms);
}

Status PgWriter::remember_key(const WriteKey& key, const Committed& committed, int64_t now) {
  const Event& event = *committed.event;
  const std::optional<std::string> job = job_snapshot_of(committed);
  const std::string created = text(now), seq = text(event.seq), ts = text(event.ts_ms);
  Status s = run("insert_key", {key.key, key.fingerprint, created, job ? PgParam(*job) : PgParam(), seq, event.type, ts,
                                event.job, event.project, event.tree_path, event.json})
                 .status();
  const std::string per_write = text(kKeysForgottenPerWrite);
  if (s.ok()) s = run("forget_keys_beyond_count", {text(keys_.keep_count), per_write}).status();
  if (s.ok()) s = run("forget_keys_older_than", {text(now - keys_.keep_ms), per_write}).status();
  return s;
}

}  // namespace jobwire
