#include "store/sqlite/sqlite_writer.h"

#include <algorithm>
#include <cstdio>

#include "store/sqlite/job_rows.h"

namespace jobwire {

namespace {

// Rows per multi-row INSERT of events: one statement run for a group's writes instead of
// one each (SQLite's cost per statement run is much of a small row's).
constexpr size_t kEventsPerInsert = 32;
constexpr int kEventColumns = 7;

std::string insert_events_sql(size_t rows) {
  std::string sql = "INSERT INTO events (seq, type, ts, job, project, tree_path, envelope) VALUES ";
  for (size_t row = 0; row < rows; ++row) {
    const int first = static_cast<int>(row) * kEventColumns;
    if (row > 0) sql += ',';
    sql += '(';
    for (int column = 1; column <= kEventColumns; ++column) {
      if (column > 1) sql += ',';
      sql += '?' + std::to_string(first + column);
    }
    sql += ')';
  }
  return sql;
}

void bind_event(Statement& statement, size_t row, const Event& event) {
  const int first = static_cast<int>(row) * kEventColumns;
  statement.bind(first + 1, event.seq)
      .bind(first + 2, std::string_view(event.type))
      .bind(first + 3, event.ts_ms)
      .bind(first + 4, std::string_view(event.job))
      .bind(first + 5, std::string_view(event.project))
      .bind(first + 6, std::string_view(event.tree_path))
      .bind(first + 7, std::string_view(event.json));
}

}  // namespace

Status SqliteWriter::open(const std::string& path, Durability durability, KeyRetention key_retention) {
  Status s = db_.open(path, /*read_only=*/false);
  if (s.ok()) s = db_.exec("PRAGMA journal_mode=WAL");
  if (s.ok())
    s = db_.exec(durability == Durability::power ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  // Checkpoints run on the store's checkpointer thread, never inside a commit.
  // After a burst, a restarted WAL is cut back to 64 MiB.
  if (s.ok())
    s = db_.exec(
        "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864; PRAGMA foreign_keys=ON; "
        "PRAGMA cache_size=-65536");
  if (s.ok()) s = migrate(db_);
  if (!s.ok()) return s;
  // Set after the pragmas: wal_autocheckpoint replaces the connection's WAL hook.
  sqlite3_wal_hook(
      db_.handle(),
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<SqliteWriter*>(self)->wal_frames_.store(frames, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      this);
  auto meta = read_meta(db_);
  if (!meta.ok()) return meta.status();
  epoch_ = meta.value().epoch;

  sqlite3* h = db_.handle();
  begin_ = Statement(h, "BEGIN IMMEDIATE");
  commit_ = Statement(h, "COMMIT");
  rollback_ = Statement(h, "ROLLBACK");
  select_job_ = Statement(h, "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs WHERE id = ?1");
  job_exists_ = Statement(h, "SELECT 1 FROM jobs WHERE id = ?1");
  insert_job_ = Statement(h,
                          "INSERT INTO jobs (id, type, project, parent, tree_path, priority, status, progress, "
                          "created_at, updated_at, file_path, policy_name, output_path, summary, updated_seq) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7, ?8, ?9, ?10, ?11, ?12)");
  update_job_ = Statement(h,
                          "UPDATE jobs SET status = ?2, progress = ?3, started_at = ?4, completed_at = ?5, "
                          "error_message = ?6, file_path = ?7, policy_name = ?8, output_path = ?9, summary = ?10, "
                          "validation = ?11, log_lines = ?12, priority = ?13, updated_seq = ?14, updated_at = ?15 "
                          "WHERE id = ?1");
  insert_event_ = Statement(h, insert_events_sql(1).c_str());
  insert_events_ = Statement(h, insert_events_sql(kEventsPerInsert).c_str());
  insert_log_ = Statement(h, "INSERT INTO logs (job_id, line_no, line) VALUES (?1, ?2, ?3)");
  select_file_ = Statement(h, "SELECT file_id FROM files WHERE job_id = ?1 AND path = ?2");
  upsert_file_ = Statement(h,
                           "INSERT INTO files (file_id, job_id, path, change, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (file_id) DO UPDATE SET change = excluded.change, "
                           "updated_at = excluded.updated_at");
  prune_through_ = Statement(h, "DELETE FROM events WHERE seq <= ?1");
  save_pruned_ = Statement(h, "UPDATE meta SET value = ?1 WHERE key = 'pruned_through'");
  for (Statement* stmt : {&begin_, &commit_, &rollback_, &select_job_, &job_exists_, &insert_job_, &update_job_,
                          &insert_event_, &insert_events_, &insert_log_, &select_file_, &upsert_file_, &prune_through_,
                          &save_pruned_})
    if (!stmt->valid()) return stmt->status();
  if (!(s = event_times_.prepare(h)).ok()) return s;
  if (!(s = keys_.prepare(h, key_retention)).ok()) return s;

  // The newest event by rowid: its stamp is the latest (the clock never goes back), and
  // with no index on ts, max(ts) would read the whole log.
  Statement newest(h, "SELECT seq, ts FROM events ORDER BY seq DESC LIMIT 1");
  const bool any = newest.step();
  if (!newest.status().ok()) return newest.status();
  // An empty log after pruning everything still continues after pruned_through.
  start_from({std::max(any ? newest.int64(0) : 0, meta.value().pruned_through), meta.value().pruned_through,
              any ? newest.int64(1) : 0});
  return Status::Ok();
}

Result<JobWriter::LogStart> SqliteWriter::begin_transaction() {
  // This connection is the file's only writer (StoreLock): the log is where it left it.
  pending_events_.clear();
  if (Status s = begin_.run(); !s.ok()) return s;
  return LogStart{head_seq(), pruned_through(), 0};
}

Status SqliteWriter::commit_transaction() {
  if (Status s = flush_events(); !s.ok()) return s;
  return commit_.run();
}

void SqliteWriter::rollback_transaction() {
  pending_events_.clear();
  rollback_.run();
}

Result<bool> SqliteWriter::job_exists(const std::string& id) {
  job_exists_.bind(1, std::string_view(id));
  bool exists = job_exists_.step();
  Status s = job_exists_.status();
  job_exists_.reset();
  if (!s.ok()) return s;
  return exists;
}

Result<std::optional<std::pair<Job, std::string>>> SqliteWriter::select_job(const std::string& id) {
  select_job_.bind(1, std::string_view(id));
  if (!select_job_.step()) {
    Status s = select_job_.status();
    select_job_.reset();
    if (!s.ok()) return s;
    return std::optional<std::pair<Job, std::string>>();
  }
  std::string tree_path;
  Job job = job_from_row(select_job_, &tree_path);
  select_job_.reset();
  return std::optional(std::pair(std::move(job), std::move(tree_path)));
}

Status SqliteWriter::insert_job(const Job& job, const std::string& tree_path, int64_t now) {
  return insert_job_.bind(1, std::string_view(job.id))
      .bind(2, std::string_view(job.type))
      .bind(3, std::string_view(job.project))
      .bind(4, job.parent)
      .bind(5, std::string_view(tree_path))
      .bind(6, static_cast<int64_t>(job.priority))
      .bind(7, now)
      .bind(8, job.file_path)
      .bind(9, job.policy_name)
      .bind(10, job.output_path)
      .bind(11, std::string_view(job.summary_json))
      .bind(12, job.updated_seq)
      .run();
}

Status SqliteWriter::update_job_row(const Job& job, int64_t updated_at) {
  return update_job_.bind(1, std::string_view(job.id))
      .bind(2, std::string_view(job_status_name(job.status)))
      .bind(3, job.progress_percent)
      .bind(4, job.started_at_ms)
      .bind(5, job.completed_at_ms)
      .bind(6, job.error_message)
      .bind(7, job.file_path)
      .bind(8, job.policy_name)
      .bind(9, job.output_path)
      .bind(10, std::string_view(job.summary_json))
      .bind(11, std::string_view(job.validation_json))
      .bind(12, job.log_lines)
      .bind(13, static_cast<int64_t>(job.priority))
      .bind(14, job.updated_seq)
      .bind(15, updated_at)
      .run();
}

Status SqliteWriter::insert_log_lines(const std::string& id, int64_t first_line_no,
                                      const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    Status s = insert_log_.bind(1, std::string_view(id))
                   .bind(2, first_line_no + static_cast<int64_t>(i))
                   .bind(3, std::string_view(lines[i]))
                   .run();
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::optional<std::string>> SqliteWriter::find_file(const std::string& job_id, const std::string& path) {
  select_file_.bind(1, std::string_view(job_id)).bind(2, std::string_view(path));
  std::optional<std::string> file_id;
  if (select_file_.step()) file_id = select_file_.text(0);
  Status s = select_file_.status();
  select_file_.reset();
  if (!s.ok()) return s;
  return file_id;
}

Status SqliteWriter::upsert_file(const std::string& file_id, const std::string& job_id, const std::string& path,
                                 FileChange change, int64_t now) {
  return upsert_file_.bind(1, std::string_view(file_id))
      .bind(2, std::string_view(job_id))
      .bind(3, std::string_view(path))
      .bind(4, std::string_view(file_change_name(change)))
      .bind(5, now)
      .run();
}

Status SqliteWriter::insert_event(const EventPtr& event) {
  pending_events_.push_back(event);
  return Status::Ok();
}

Status SqliteWriter::flush_events() {
  Status s;
  size_t next = 0;
  for (; s.ok() && pending_events_.size() - next >= kEventsPerInsert; next += kEventsPerInsert) {
    for (size_t row = 0; row < kEventsPerInsert; ++row) bind_event(insert_events_, row, *pending_events_[next + row]);
    s = insert_events_.run();
  }
  for (; s.ok() && next < pending_events_.size(); ++next) {
    bind_event(insert_event_, 0, *pending_events_[next]);
    s = insert_event_.run();
  }
  pending_events_.clear();
  return s;
}

Result<int64_t> SqliteWriter::first_event_at_or_after(int64_t ms, int64_t from, int64_t to) {
  if (Status s = flush_events(); !s.ok()) return s;
  return event_times_.first_at_or_after(ms, from, to);
}

Status SqliteWriter::prune_through(int64_t seq) {
  Status s = flush_events();
  if (s.ok()) s = prune_through_.bind(1, seq).run();
  if (!s.ok()) return s;
  std::string text = std::to_string(seq);
  return save_pruned_.bind(1, std::string_view(text)).run();
}

Result<std::optional<Committed>> SqliteWriter::find_key(const WriteKey& key, int64_t now) {
  return keys_.find(key, now);
}

Status SqliteWriter::remember_key(const WriteKey& key, const Committed& committed, int64_t now) {
  return keys_.remember(key, committed, now);
}

}  // namespace jobwire
