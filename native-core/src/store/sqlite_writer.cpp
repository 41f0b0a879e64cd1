#include "store/sqlite_writer.h"

#include <algorithm>
#include <cstdio>

#include "model/json_forms.h"
#include "model/transitions.h"
#include "store/job_rows.h"

namespace jobwire {

namespace {

constexpr size_t kMaxTreeDepth = 64;
constexpr int64_t kAgeCheckEveryMs = 100;
constexpr size_t kCachedJobs = 10'000;

Status refused(Code code, std::string message) { return {code, std::move(message)}; }

json optional_time(int64_t ms) { return ms != 0 ? json(iso_time(ms)) : json(); }

}  // namespace

Status SqliteWriter::open(const std::string& path, Durability durability) {
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

  Statement head(h, "SELECT coalesce(max(seq), 0), coalesce(max(ts), 0) FROM events");
  if (!head.step()) return head.status();
  // An empty log after pruning everything still continues after pruned_through.
  committed_head_ = std::max(head.int64(0), meta_.pruned_through);
  last_ts_ = head.int64(1);
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
    return refused(Code::not_found, "no job with id " + id);
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

Result<Committed> SqliteWriter::create_job(const NewJob& request, int64_t now) {
  Job job;
  job.id = request.id ? *request.id : new_job_id(now);
  if (request.parent && *request.parent == job.id)
    return refused(Code::invalid_argument, "a job cannot be its own parent (cycle)");
  job_exists_.bind(1, std::string_view(job.id));
  bool exists = job_exists_.step();
  Status s = job_exists_.status();
  job_exists_.reset();
  if (!s.ok()) return checked(s);
  if (exists) return refused(Code::conflict, "a job with id " + job.id + " already exists");

  std::string tree_path = "/";
  if (request.parent) {
    auto parent = load_job(*request.parent);
    if (!parent.ok()) {
      if (parent.status().code() == Code::not_found)
        return refused(Code::not_found, "no parent job with id " + *request.parent);
      return parent.status();
    }
    tree_path = parent.value()->tree_path;
    if (static_cast<size_t>(std::count(tree_path.begin(), tree_path.end(), '/')) > kMaxTreeDepth)
      return refused(Code::invalid_argument, "subjob trees are limited to 64 levels");
  }
  tree_path += job.id + "/";

  job.type = request.type;
  job.project = request.project;
  job.parent = request.parent;
  job.priority = request.priority;
  job.created_at_ms = now;
  job.file_path = request.file_path;
  job.policy_name = request.policy_name;
  job.output_path = request.output_path;
  if (request.summary_json) job.summary_json = *request.summary_json;
  job.updated_seq = next_seq_;

  insert_job_.bind(1, std::string_view(job.id))
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
      .bind(12, job.updated_seq);
  if (!(s = checked(insert_job_.run())).ok()) return s;
  Loaded& entry = cache_job(job, std::move(tree_path));
  entry.updated_at = now;
  auto event = append_event("job.created", &entry, job_json_value(job, now), now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> SqliteWriter::set_status(const std::string& id, JobStatus status,
                                           const std::optional<std::string>& error, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  if (!transition_allowed(job.status, status))
    return refused(Code::invalid_transition, std::string("cannot move job ") + id + " from " +
                                                 job_status_name(job.status) + " to " + job_status_name(status));
  job.status = status;
  if (status == JobStatus::running) job.started_at_ms = now;
  if (is_terminal(status)) job.completed_at_ms = now;
  if (status == JobStatus::completed) job.progress_percent = 100;
  if (error) job.error_message = error;
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  auto duration = job.duration_seconds(now);
  json data = {{"status", job_status_name(status)},
               {"progress_percent", job.progress_percent},
               {"started_at", optional_time(job.started_at_ms)},
               {"completed_at", optional_time(job.completed_at_ms)},
               {"duration_seconds", duration ? json(*duration) : json()},
               {"error_message", job.error_message ? json(*job.error_message) : json()}};
  auto event = append_event("job.status", loaded.value(), data, now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> SqliteWriter::set_progress(const std::string& id, double percent, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  if (is_terminal(job.status))
    return refused(Code::invalid_transition,
                   std::string("job ") + id + " is " + job_status_name(job.status) + ": its progress is final");
  job.progress_percent = percent;
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  auto event = append_event("job.progress", loaded.value(), json{{"progress_percent", percent}}, now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> SqliteWriter::update_job(const std::string& id, const JobPatch& patch, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  json data = json::object();
  if (patch.summary_json) {
    job.summary_json = *patch.summary_json;
    data["summary"] = stored_json(job.summary_json);
  }
  if (patch.validation_json) {
    job.validation_json = *patch.validation_json;
    data["validation"] = stored_json(job.validation_json);
  }
  for (auto [name, from, to] : {std::tuple{"error_message", &patch.error_message, &job.error_message},
                                {"output_path", &patch.output_path, &job.output_path},
                                {"file_path", &patch.file_path, &job.file_path},
                                {"policy_name", &patch.policy_name, &job.policy_name}}) {
    if (*from) {
      *to = *from;
      data[name] = **from;
    }
  }
  if (patch.priority) {
    job.priority = *patch.priority;
    data["priority"] = job.priority;
  }
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  auto event = append_event("job.updated", loaded.value(), data, now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> SqliteWriter::append_log(const std::string& id, const std::vector<std::string>& lines, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  int64_t offset = job.log_lines;
  for (size_t i = 0; i < lines.size(); ++i) {
    insert_log_.bind(1, std::string_view(id)).bind(2, offset + static_cast<int64_t>(i)).bind(3, std::string_view(lines[i]));
    Status s = checked(insert_log_.run());
    if (!s.ok()) return s;
  }
  job.log_lines = offset + static_cast<int64_t>(lines.size());
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  auto event = append_event("job.log", loaded.value(), json{{"offset", offset}, {"lines", lines}}, now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> SqliteWriter::register_file(const std::string& id, const std::string& path, FileChange change,
                                              int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  select_file_.bind(1, std::string_view(id)).bind(2, std::string_view(path));
  std::optional<std::string> file_id;
  if (select_file_.step()) file_id = select_file_.text(0);
  Status s = select_file_.status();
  select_file_.reset();
  if (!s.ok()) return checked(s);
  if (!file_id && change != FileChange::created)
    return refused(Code::not_found, "job " + id + " has no file " + path + " to mark " + file_change_name(change));
  if (!file_id) file_id = "f_" + std::to_string(next_seq_);
  upsert_file_.bind(1, std::string_view(*file_id))
      .bind(2, std::string_view(id))
      .bind(3, std::string_view(path))
      .bind(4, std::string_view(file_change_name(change)))
      .bind(5, now);
  if (!(s = checked(upsert_file_.run())).ok()) return s;
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  json data = {{"file_id", *file_id}, {"path", path}, {"change", file_change_name(change)}};
  auto event = append_event("job.file", loaded.value(), data, now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> SqliteWriter::emit(const std::string& type, const std::optional<std::string>& job_id,
                                     const std::string& data_json, int64_t now) {
  if (!job_id) {
    auto event = append_event(type, nullptr, stored_json(data_json), now);
    if (!event.ok()) return event.status();
    return Committed{std::nullopt, std::move(event).value()};
  }
  auto loaded = load_job(*job_id);
  if (!loaded.ok()) return loaded.status();
  // A custom event does not change the job, so the job's ETag stays where it was.
  auto event = append_event(type, loaded.value(), stored_json(data_json), now);
  if (!event.ok()) return event.status();
  return Committed{loaded.value()->job, std::move(event).value()};
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
