#include "store/job_writer.h"

#include <algorithm>

namespace jobwire {

namespace {

constexpr int64_t kAgeCheckEveryMs = 100;
constexpr size_t kCachedJobs = 10'000;
// A generated id taken already (by another process on the same store, in the same
// millisecond) is followed by the next one; this many tries cannot all collide.
constexpr int kIdTries = 64;

// j_ and 13 base-32 digits of (ms << 20 | counter): ordered by time, then by the counter.
// 15 characters, so that the id and its copies (in every event and every answer) fit in
// std::string's inline buffer instead of one allocation each.
std::string time_ordered_id(int64_t ms, uint64_t counter) {
  static constexpr char kDigits[] = "0123456789abcdefghjkmnpqrstvwxyz";  // ascending, as their values
  uint64_t value = (static_cast<uint64_t>(ms) << 20) | (counter & 0xFFFFF);
  std::string id = "j_0000000000000";
  for (size_t i = id.size() - 1; i >= 2; --i, value >>= 5) id[i] = kDigits[value & 31];
  return id;
}

}  // namespace

void JobWriter::start_from(const LogStart& start) {
  committed_head_ = start.head;
  next_seq_ = start.head + 1;
  pruned_through_ = pending_pruned_through_ = start.pruned_through;
  last_ts_ = std::max(last_ts_, start.last_ts);
}

Status JobWriter::checked(Status status) {
  if (!status.ok()) broken_ = true;
  return status;
}

int64_t JobWriter::clock(int64_t wall_ms) noexcept {
  last_ts_ = std::max(last_ts_, wall_ms);
  return last_ts_;
}

Status JobWriter::begin() {
  broken_ = false;
  auto start = begin_transaction();
  if (!start.ok()) return start.status();
  // Another process wrote since this one's last commit: what it cached may be stale.
  if (start.value().head != committed_head_ || start.value().pruned_through != pruned_through_) {
    jobs_.clear();
    aged_through_ = 0;
    start_from(start.value());
  }
  return Status::Ok();
}

Status JobWriter::commit() {
  Status s = flush_jobs();
  if (s.ok()) s = commit_transaction();
  if (!s.ok()) {
    rollback();
    return s;
  }
  committed_head_ = next_seq_ - 1;
  pruned_through_ = pending_pruned_through_;
  if (jobs_.size() > kCachedJobs) jobs_.clear();  // between transactions nothing in it is dirty
  return s;
}

void JobWriter::rollback() {
  rollback_transaction();
  next_seq_ = committed_head_ + 1;
  pending_pruned_through_ = pruned_through_;
  dirty_.clear();
  jobs_.clear();  // it may hold changes that were just rolled back
  broken_ = false;
}

Status JobWriter::flush_jobs() {
  Status s;
  for (Loaded* entry : dirty_) {
    entry->dirty = false;
    if (s.ok()) s = checked(update_job_row(entry->job, entry->updated_at));
  }
  dirty_.clear();
  return s;
}

Result<std::string> JobWriter::new_job_id(int64_t now) {
  // Time-ordered and unique, checked against the store.
  for (int attempt = 0; attempt < kIdTries; ++attempt) {
    std::string id = time_ordered_id(now, ++id_counter_);
    auto exists = job_exists(id);
    if (!exists.ok()) return checked(exists.status());
    if (!exists.value()) return id;
  }
  return Status{Code::conflict, "no free job id in this millisecond; retry"};
}

Result<JobWriter::Loaded*> JobWriter::load_job(const std::string& id) {
  if (auto it = jobs_.find(id); it != jobs_.end()) return &it->second;
  auto row = select_job(id);
  if (!row.ok()) return checked(row.status());
  if (!row.value()) return Status{Code::not_found, "no job with id " + id};
  auto& [job, tree_path] = *row.value();
  return &cache_job(std::move(job), std::move(tree_path));
}

JobWriter::Loaded& JobWriter::cache_job(Job job, std::string tree_path) {
  Loaded loaded;
  loaded.subject = envelope_subject(job.id, job.parent, job.project);
  loaded.tree_path = std::move(tree_path);
  loaded.job = std::move(job);
  std::string id = loaded.job.id;
  return jobs_.insert_or_assign(std::move(id), std::move(loaded)).first->second;
}

const std::string& JobWriter::envelope_time_of(int64_t now) {
  if (now != time_ms_) {
    time_ms_ = now;
    time_text_ = envelope_time(now);
  }
  return time_text_;
}

const std::string& JobWriter::envelope_type_of(const std::string& type) {
  if (type != type_ || type_text_.empty()) {
    type_ = type;
    type_text_ = envelope_type(type);
  }
  return type_text_;
}

Result<EventPtr> JobWriter::append_event(const std::string& type, const Loaded* about, std::string_view data_text,
                                         int64_t now) {
  std::shared_ptr<Event> made = events_->make();
  Event* event = made.get();
  event->seq = next_seq_;
  event->type = type;
  event->ts_ms = now;
  // Assigned, not replaced: a reused event's buffers are kept.
  if (about) {
    event->job = about->job.id;
    event->project = about->job.project;
    event->tree_path = about->tree_path;
  } else {
    event->job.clear();
    event->project = "default";
    event->tree_path.clear();
  }
  envelope_from_parts(event->seq, envelope_type_of(type), envelope_time_of(now),
                      about ? about->subject : no_job_subject_, data_text, event->json);
  EventPtr stored = std::move(made);
  if (Status s = checked(insert_event(stored)); !s.ok()) return s;
  ++next_seq_;
  return stored;
}

void JobWriter::store_job(Loaded& entry, const Job& job, int64_t now) {
  entry.job = job;
  mark_dirty(entry, now);
}

void JobWriter::mark_dirty(Loaded& entry, int64_t now) {
  entry.updated_at = now;
  if (!entry.dirty) {
    entry.dirty = true;
    dirty_.push_back(&entry);
  }
}

Result<Committed> JobWriter::once(const WriteKey& key, int64_t now, const std::function<Result<Committed>()>& apply) {
  auto stored = find_key(key, now);
  // `conflict` refuses this write alone; any other failure is the database's.
  if (!stored.ok()) return stored.status().code() == Code::conflict ? stored.status() : checked(stored.status());
  if (stored->has_value()) return std::move(*stored.value());
  Result<Committed> result = apply();
  if (!result.ok()) return result;
  if (Status s = checked(remember_key(key, result.value(), now)); !s.ok()) return s;
  return result;
}

Result<int64_t> JobWriter::prune(int64_t keep_events, int64_t keep_ms, int64_t now, int64_t max_rows) {
  const int64_t head = next_seq_ - 1;
  int64_t through = pruned_through_;
  if (keep_events > 0 && head - keep_events > through) through = head - keep_events;
  if (keep_ms > 0 && now >= next_age_check_) {
    next_age_check_ = now + kAgeCheckEveryMs;
    auto first_kept = first_event_at_or_after(now - keep_ms, std::max(through, aged_through_) + 1, head);
    if (!first_kept.ok()) return checked(first_kept.status());
    aged_through_ = first_kept.value() - 1;
  }
  through = std::max(through, aged_through_);
  // A bounded step per call; the next one goes on.
  through = std::min(through, pruned_through_ + max_rows);
  if (through == pruned_through_) return through;
  if (Status s = checked(prune_through(through)); !s.ok()) return s;
  pending_pruned_through_ = through;
  return through;
}

}  // namespace jobwire
