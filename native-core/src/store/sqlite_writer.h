// The single writing connection. Every operation validates against the current row first,
// so a refused request writes nothing; then it changes the state and appends its event in
// the transaction the group commit opened.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/core.h"
#include "model/json_util.h"
#include "store/schema.h"
#include "store/sqlite_db.h"

namespace jobwire {

class SqliteWriter {
 public:
  Status open(const std::string& path, Durability durability);
  const StoreMeta& meta() const noexcept { return meta_; }
  int64_t head_seq() const noexcept { return committed_head_; }

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

  // Deletes events past retention inside the open transaction; returns the new
  // pruned_through (unchanged when nothing was old enough), which meta() shows once committed.
  Result<int64_t> prune(int64_t keep_events, int64_t keep_ms, int64_t now);

 private:
  struct Loaded {
    Job job;
    std::string tree_path;
    int64_t updated_at = 0;
    bool dirty = false;  // changed in the open transaction; written once, before COMMIT
  };
  // The job as this writer last wrote it. The writer is the only one that changes jobs, so
  // the cache is exact; it is dropped on rollback and when it grows past its bound.
  Result<Loaded*> load_job(const std::string& id);
  Result<EventPtr> append_event(const std::string& type, const Job* job, const std::string& tree_path, json data,
                                int64_t now);
  // Takes the job's new state into the cache; its row is written by flush_jobs().
  void store_job(Loaded& entry, const Job& job, int64_t now);
  // Writes each job changed in this transaction once, however many writes touched it.
  Status flush_jobs();
  Status checked(Status status);
  std::string new_job_id(int64_t now);

  SqliteDb db_;
  StoreMeta meta_;
  int64_t committed_head_ = 0;
  int64_t next_seq_ = 1;
  int64_t pending_pruned_through_ = 0;
  uint64_t id_counter_ = 0;
  std::unordered_map<std::string, Loaded> jobs_;
  std::vector<Loaded*> dirty_;  // nodes of jobs_: their addresses survive rehashing
  bool broken_ = false;

  Statement begin_, commit_, rollback_;
  Statement select_job_, insert_job_, update_job_, job_exists_;
  Statement insert_event_, insert_log_, select_file_, upsert_file_;
  Statement prune_by_count_, prune_by_time_, save_pruned_;
};

}  // namespace jobwire
