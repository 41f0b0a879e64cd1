#include "store/sqlite_writer.h"

#include <algorithm>
#include <cstdio>

#include "store/job_rows.h"

namespace jobwire {

namespace {

constexpr int64_t kAgeCheckEveryMs = 100;
constexpr size_t kCachedJobs = 10'000;

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
  meta_ = meta.value();

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
  insert_event_ = Statement(h,
                            "INSERT INTO events (seq, type, ts, job, project, tree_path, envelope) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert_log_ = Statement(h, "INSERT INTO logs (job_id, line_no, line) VALUES (?1, ?2, ?3)");
  select_file_ = Statement(h, "SELECT file_id FROM files WHERE job_id = ?1 AND path = ?2");
  upsert_file_ = Statement(h,
                           "INSERT INTO files (file_id, job_id, path, change, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (file_id) DO UPDATE SET change = excluded.change, "
                           "updated_at = excluded.updated_at");
  prune_through_ = Statement(h, "DELETE FROM events WHERE seq <= ?1");
  save_pruned_ = Statement(h, "UPDATE meta SET value = ?1 WHERE key = 'pruned_through'");
  for (Statement* stmt : {&begin_, &commit_, &rollback_, &select_job_, &job_exists_, &insert_job_, &update_job_,
                          &insert_event_, &insert_log_, &select_file_, &upsert_file_, &prune_through_,
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
  committed_head_ = std::max(any ? newest.int64(0) : 0, meta_.pruned_through);
  last_ts_ = any ? newest.int64(1) : 0;
  next_seq_ = committed_head_ + 1;
  pending_pruned_through_ = meta_.pruned_through;
  return Status::Ok();
}

Status SqliteWriter::checked(Status status) {
  if (!status.ok()) broken_ = true;
  return status;
}

int64_t SqliteWriter::clock(int64_t wall_ms) noexcept {
  last_ts_ = std::max(last_ts_, wall_ms);
  return last_ts_;
}

Status SqliteWriter::begin() {
  broken_ = false;
  return begin_.run();
}

Status SqliteWriter::commit() {
  Status s = flush_jobs();
  if (s.ok()) s = commit_.run();
  if (!s.ok()) {
    rollback();
    return s;
  }
  committed_head_ = next_seq_ - 1;
  meta_.pruned_through = pending_pruned_through_;
  if (jobs_.size() > kCachedJobs) jobs_.clear();  // between transactions nothing in it is dirty
  return s;
}

Status SqliteWriter::flush_jobs() {
  Status s;
  for (Loaded* entry : dirty_) {
    const Job& job = entry->job;
    entry->dirty = false;
    if (!s.ok()) continue;
    update_job_.bind(1, std::string_view(job.id))
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
        .bind(15, entry->updated_at);
    s = checked(update_job_.run());
  }
  dirty_.clear();
  return s;
}

void SqliteWriter::rollback() {
  rollback_.run();
  next_seq_ = committed_head_ + 1;
  pending_pruned_through_ = meta_.pruned_through;
  dirty_.clear();
  jobs_.clear();  // it may hold changes that were just rolled back
  broken_ = false;
}

std::string SqliteWriter::new_job_id(int64_t now) {
  // Time-ordered and unique within this writer: j_<ms in hex>_<counter>.
  char id[48];
  std::snprintf(id, sizeof id, "j_%011llx%05llx", static_cast<unsigned long long>(now),
                static_cast<unsigned long long>(++id_counter_ & 0xFFFFF));
  return id;
}

Result<SqliteWriter::Loaded*> SqliteWriter::load_job(const std::string& id) {
  if (auto it = jobs_.find(id); it != jobs_.end()) return &it->second;
  select_job_.bind(1, std::string_view(id));
  if (!select_job_.step()) {
    Status s = select_job_.status();
    select_job_.reset();
    if (!s.ok()) return checked(s);
    return Status{Code::not_found, "no job with id " + id};
  }
  std::string tree_path;
  Job job = job_from_row(select_job_, &tree_path);
  select_job_.reset();
  return &cache_job(std::move(job), std::move(tree_path));
}

SqliteWriter::Loaded& SqliteWriter::cache_job(Job job, std::string tree_path) {
  Loaded loaded;
  loaded.subject = envelope_subject(job.id, job.parent, job.project);
  loaded.tree_path = std::move(tree_path);
  loaded.job = std::move(job);
  std::string id = loaded.job.id;
  return jobs_.insert_or_assign(std::move(id), std::move(loaded)).first->second;
}

const std::string& SqliteWriter::envelope_time_of(int64_t now) {
  if (now != time_ms_) {
    time_ms_ = now;
    time_text_ = envelope_time(now);
  }
  return time_text_;
}

Result<EventPtr> SqliteWriter::append_event(const std::string& type, const Loaded* about, const json& data,
                                            int64_t now) {
  auto event = std::make_shared<Event>();
  event->seq = next_seq_;
  event->type = type;
  event->ts_ms = now;
  event->job = about ? about->job.id : std::string();
  event->project = about ? about->job.project : std::string("default");
  if (about) event->tree_path = about->tree_path;
  event->json = envelope_from_parts(event->seq, type, envelope_time_of(now), about ? about->subject : no_job_subject_,
                                    data);
  insert_event_.bind(1, event->seq)
      .bind(2, std::string_view(event->type))
      .bind(3, now)
      .bind(4, std::string_view(event->job))
      .bind(5, std::string_view(event->project))
      .bind(6, std::string_view(event->tree_path))
      .bind(7, std::string_view(event->json));
  Status s = checked(insert_event_.run());
  if (!s.ok()) return s;
  ++next_seq_;
  return EventPtr(std::move(event));
}

void SqliteWriter::store_job(Loaded& entry, const Job& job, int64_t now) {
  entry.job = job;
  entry.updated_at = now;
  if (!entry.dirty) {
    entry.dirty = true;
    dirty_.push_back(&entry);
  }
}

Result<Committed> SqliteWriter::once(const WriteKey& key, int64_t now,
                                     const std::function<Result<Committed>()>& apply) {
  auto stored = keys_.find(key, now);
  // `conflict` refuses this write alone; any other failure is the database's.
  if (!stored.ok()) return stored.status().code() == Code::conflict ? stored.status() : checked(stored.status());
  if (stored->has_value()) return std::move(*stored.value());
  Result<Committed> result = apply();
  if (!result.ok()) return result;
  if (Status s = checked(keys_.remember(key, result.value(), now)); !s.ok()) return s;
  return result;
}

Result<int64_t> SqliteWriter::prune(int64_t keep_events, int64_t keep_ms, int64_t now, int64_t max_rows) {
  const int64_t head = next_seq_ - 1;
  int64_t through = meta_.pruned_through;
  if (keep_events > 0 && head - keep_events > through) through = head - keep_events;
  if (keep_ms > 0 && now >= next_age_check_) {
    next_age_check_ = now + kAgeCheckEveryMs;
    auto first_kept = event_times_.first_at_or_after(now - keep_ms, std::max(through, aged_through_) + 1, head);
    if (!first_kept.ok()) return checked(first_kept.status());
    aged_through_ = first_kept.value() - 1;
  }
  through = std::max(through, aged_through_);
  // A bounded step per call; the next one goes on.
  through = std::min(through, meta_.pruned_through + max_rows);
  if (through == meta_.pruned_through) return through;
  prune_through_.bind(1, through);
  Status s = checked(prune_through_.run());
  if (!s.ok()) return s;
  std::string text = std::to_string(through);
  save_pruned_.bind(1, std::string_view(text));
  if (!(s = checked(save_pruned_.run())).ok()) return s;
  pending_pruned_through_ = through;
  return through;
}

}  // namespace jobwire
