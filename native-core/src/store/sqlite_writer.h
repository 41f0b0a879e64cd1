// The single writing connection: its transactions, its cache of the jobs it wrote, the event
// log's appends and retention (sqlite_writer.cpp), and the operations (job_writes.cpp). Every
// operation validates against the current row first, so a refused request writes nothing;
// then it changes the state and appends its event in the transaction the group commit opened.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/core.h"
#include "model/json_forms.h"
#include "model/json_util.h"
#include "store/event_times.h"
#include "store/idempotency_keys.h"
#include "store/schema.h"
#include "store/sqlite_db.h"

namespace jobwire {

class SqliteWriter {
 public:
  Status open(const std::string& path, Durability durability, KeyRetention key_retention);
  const StoreMeta& meta() const noexcept { return meta_; }
  int64_t head_seq() const noexcept { return committed_head_; }
  // Frames in the WAL after the last commit, counted from where it last started over.
  // Any thread may ask (/metrics does).
  int wal_frames() const noexcept { return wal_frames_.load(std::memory_order_relaxed); }

  // The time a group's writes are stamped with: the wall clock, but never earlier than the
  // last event's, so the log stays ordered by time (see EventTimes).
  int64_t clock(int64_t wall_ms) noexcept;

  Status begin();
  Status commit();
  void rollback();
  // True once a statement failed inside the open transaction: it must be rolled back.
  bool broken() const noexcept { return broken_; }

  Result<Committed> create_job(const NewJob& request, int64_t now);
  Result<Committed> set_status(const std::string& id, JobStatus status, const std::optional<std::string>& error,
                               int64_t now);
  Result<Committed> set_progress(const std::string& id, double percent, int64_t now);
  Result<Committed> update_job(const std::string& id, const JobPatch& patch, int64_t now);
  Result<Committed> append_log(const std::string& id, const std::vector<std::string>& lines, int64_t now);
  Result<Committed> register_file(const std::string& id, const std::string& path, FileChange change, int64_t now);
  Result<Committed> emit(const std::string& type, const std::optional<std::string>& job,
                         const std::string& data_json, int64_t now);

  // Runs `apply` once per key: a key already stored answers its stored Committed instead
  // (or `conflict` for another request), and a new key is stored with what `apply` committed,
  // in the same transaction.
  Result<Committed> once(const WriteKey& key, int64_t now, const std::function<Result<Committed>()>& apply);

  // Deletes up to max_rows events past retention inside the open transaction; returns the
  // new pruned_through (unchanged when nothing was old enough), which meta() shows once
  // committed.
  Result<int64_t> prune(int64_t keep_events, int64_t keep_ms, int64_t now, int64_t max_rows);

 private:
  struct Loaded {
    Job job;
    std::string tree_path;
    EnvelopeSubject subject;  // its envelopes' job, parent and project, serialized once
    int64_t updated_at = 0;
    bool dirty = false;  // changed in the open transaction; written once, before COMMIT
  };
  // The job as this writer last wrote it. The writer is the only one that changes jobs, so
  // the cache is exact; it is dropped on rollback and when it grows past its bound.
  Result<Loaded*> load_job(const std::string& id);
  Loaded& cache_job(Job job, std::string tree_path);
  // Appends the event of a change to `about` (null: an event of no job).
  Result<EventPtr> append_event(const std::string& type, const Loaded* about, const json& data, int64_t now);
  const std::string& envelope_time_of(int64_t now);
  // Takes the job's new state into the cache; its row is written by flush_jobs().
  void store_job(Loaded& entry, const Job& job, int64_t now);
  // Writes each job changed in this transaction once, however many writes touched it.
  Status flush_jobs();
  Status checked(Status status);
  std::string new_job_id(int64_t now);

  SqliteDb db_;
  StoreMeta meta_;
  int64_t committed_head_ = 0;
  std::atomic<int> wal_frames_{0};
  int64_t next_seq_ = 1;
  int64_t pending_pruned_through_ = 0;
  uint64_t id_counter_ = 0;
  int64_t last_ts_ = 0;
  int64_t aged_through_ = 0;     // the newest event past the age limit, when last looked for
  int64_t next_age_check_ = 0;
  int64_t time_ms_ = -1;    // a group's writes share one timestamp: its envelope text is kept
  std::string time_text_;
  const EnvelopeSubject no_job_subject_ = envelope_subject("", std::nullopt, "default");
  std::unordered_map<std::string, Loaded> jobs_;
  std::vector<Loaded*> dirty_;  // nodes of jobs_: their addresses survive rehashing
  bool broken_ = false;

  Statement begin_, commit_, rollback_;
  Statement select_job_, insert_job_, update_job_, job_exists_;
  Statement insert_event_, insert_log_, select_file_, upsert_file_;
  Statement prune_through_, save_pruned_;
  EventTimes event_times_;
  IdempotencyKeys keys_;
};

}  // namespace jobwire
