// The writer's rules, once for every store: each operation validates against the job as it
// stands, so a refused request writes nothing; then it changes the state and appends its
// event in the transaction the group commit opened (job_writes.cpp). The job cache, the seq
// counter, the log's clock and retention live here too (job_writer.cpp). What differs
// between stores is only how rows are read and written: the primitives below, which
// SqliteWriter and PgWriter implement with their own SQL.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/write.h"
#include "model/json_forms.h"
#include "model/json_util.h"
#include "store/event_pool.h"
#include "store/write_key.h"

namespace jobwire {

class JobWriter {
 public:
  virtual ~JobWriter() = default;

  int64_t head_seq() const noexcept { return committed_head_; }
  int64_t pruned_through() const noexcept { return pruned_through_; }

  // The time a group's writes are stamped with: the wall clock, but never earlier than the
  // last event's, so the log stays ordered by time (see first_event_at_or_after).
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
  // new pruned_through (unchanged when nothing was old enough), which pruned_through() shows
  // once committed.
  Result<int64_t> prune(int64_t keep_events, int64_t keep_ms, int64_t now, int64_t max_rows);

 protected:
  // Where the log stands when a transaction begins.
  struct LogStart {
    int64_t head = 0;            // the last committed seq
    int64_t pruned_through = 0;  // retention deleted every seq up to here
    int64_t last_ts = 0;         // the newest event's time
  };
  // After open: where the log stands.
  void start_from(const LogStart& start);
  // The seq the next event will take.
  int64_t next_seq() const noexcept { return next_seq_; }

  // The primitives. Each answers a database failure as a Status; the caller marks the
  // transaction broken.
  // Opens the transaction; where other processes write too, it also serialises them and
  // reports where they left the log.
  virtual Result<LogStart> begin_transaction() = 0;
  virtual Status commit_transaction() = 0;
  virtual void rollback_transaction() = 0;
  virtual Result<bool> job_exists(const std::string& id) = 0;
  // The job's row and its tree path; nullopt when there is none.
  virtual Result<std::optional<std::pair<Job, std::string>>> select_job(const std::string& id) = 0;
  virtual Status insert_job(const Job& job, const std::string& tree_path, int64_t now) = 0;
  virtual Status update_job_row(const Job& job, int64_t updated_at) = 0;
  virtual Status insert_log_lines(const std::string& id, int64_t first_line_no,
                                  const std::vector<std::string>& lines) = 0;
  virtual Result<std::optional<std::string>> find_file(const std::string& job_id, const std::string& path) = 0;
  virtual Status upsert_file(const std::string& file_id, const std::string& job_id, const std::string& path,
                             FileChange change, int64_t now) = 0;
  // The writer may hold the row until the transaction's next read of the log or its commit
  // (keeping the event), so that a group's events go in as one statement.
  virtual Status insert_event(const EventPtr& event) = 0;
  // The first seq in [from, to] stamped at or after `ms`; to + 1 when there is none.
  virtual Result<int64_t> first_event_at_or_after(int64_t ms, int64_t from, int64_t to) = 0;
  // Deletes every event up to `seq` and records it as the start of the log.
  virtual Status prune_through(int64_t seq) = 0;
  // The Committed stored with `key` (replayed), nullopt when unknown or expired, or
  // `conflict` when it came with another request.
  virtual Result<std::optional<Committed>> find_key(const WriteKey& key, int64_t now) = 0;
  virtual Status remember_key(const WriteKey& key, const Committed& committed, int64_t now) = 0;

 private:
  struct Loaded {
    Job job;
    std::string tree_path;
    EnvelopeSubject subject;  // its envelopes' job, parent and project, serialized once
    int64_t updated_at = 0;
    bool dirty = false;  // changed in the open transaction; written once, before COMMIT
  };
  // The job as this writer last wrote it. While no other process writes the store, the
  // cache is exact; begin() drops it when another one did, on rollback, and past its bound.
  Result<Loaded*> load_job(const std::string& id);
  Loaded& cache_job(Job job, std::string tree_path);
  // Appends the event of a change to `about` (null: an event of no job).
  // `data_text` is the event's data as JSON text (dump_json's).
  Result<EventPtr> append_event(const std::string& type, const Loaded* about, std::string_view data_text,
                                int64_t now);
  const std::string& envelope_time_of(int64_t now);
  const std::string& envelope_type_of(const std::string& type);
  // Takes the job's new state into the cache; its row is written by flush_jobs().
  void store_job(Loaded& entry, const Job& job, int64_t now);
  // Marks a cached job changed in place: its row is written by flush_jobs().
  void mark_dirty(Loaded& entry, int64_t now);
  // Writes each job changed in this transaction once, however many writes touched it.
  Status flush_jobs();
  Status checked(Status status);
  Result<std::string> new_job_id(int64_t now);

  int64_t committed_head_ = 0;
  int64_t next_seq_ = 1;
  int64_t pruned_through_ = 0;
  int64_t pending_pruned_through_ = 0;
  uint64_t id_counter_ = 0;
  int64_t last_ts_ = 0;
  int64_t aged_through_ = 0;  // the newest event past the age limit, when last looked for
  int64_t next_age_check_ = 0;
  int64_t time_ms_ = -1;  // a group's writes share one timestamp: its envelope text is kept
  std::string time_text_;
  std::string type_;  // so are the type's, a group's writes mostly being of one kind
  std::string type_text_;
  std::string data_text_;  // set_progress's event data, its capacity kept between writes
  std::shared_ptr<EventPool> events_ = std::make_shared<EventPool>();
  const EnvelopeSubject no_job_subject_ = envelope_subject("", std::nullopt, "default");
  std::unordered_map<std::string, Loaded> jobs_;
  std::vector<Loaded*> dirty_;  // nodes of jobs_: their addresses survive rehashing
  bool broken_ = false;
};

}  // namespace jobwire
