// The single writing connection of the SQLite store: the rules are JobWriter's; this class
// is their SQL on SQLite, and the WAL's bookkeeping.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "jobwire/options.h"
#include "store/job_writer.h"
#include "store/sqlite/event_times.h"
#include "store/sqlite/idempotency_keys.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_db.h"

namespace jobwire {

class SqliteWriter final : public JobWriter {
 public:
  Status open(const std::string& path, Durability durability, KeyRetention key_retention);
  const std::string& epoch() const noexcept { return epoch_; }
  // Frames in the WAL after the last commit, counted from where it last started over.
  // Any thread may ask (/metrics does).
  int wal_frames() const noexcept { return wal_frames_.load(std::memory_order_relaxed); }

 protected:
  Result<LogStart> begin_transaction() override;
  Status commit_transaction() override;
  void rollback_transaction() override;
  Result<bool> job_exists(const std::string& id) override;
  Result<std::optional<std::pair<Job, std::string>>> select_job(const std::string& id) override;
  Status insert_job(const Job& job, const std::string& tree_path, int64_t now) override;
  Status update_job_row(const Job& job, int64_t updated_at) override;
  Status insert_log_lines(const std::string& id, int64_t first_line_no, const std::vector<std::string>& lines) override;
  Result<std::optional<std::string>> find_file(const std::string& job_id, const std::string& path) override;
  Status upsert_file(const std::string& file_id, const std::string& job_id, const std::string& path,
                     FileChange change, int64_t now) override;
  Status insert_event(const EventPtr& event) override;
  Result<int64_t> first_event_at_or_after(int64_t ms, int64_t from, int64_t to) override;
  Status prune_through(int64_t seq) override;
  Result<std::optional<Committed>> find_key(const WriteKey& key, int64_t now) override;
  Status remember_key(const WriteKey& key, const Committed& committed, int64_t now) override;

 private:
  // Writes the events insert_event() holds: kEventsPerInsert rows per statement, then one by one.
  Status flush_events();

  SqliteDb db_;
  std::string epoch_;
  std::atomic<int> wal_frames_{0};

  Statement begin_, commit_, rollback_;
  Statement select_job_, insert_job_, update_job_, job_exists_;
  Statement insert_event_, insert_events_, insert_log_, select_file_, upsert_file_;
  Statement prune_through_, save_pruned_;
  EventTimes event_times_;
  IdempotencyKeys keys_;
  std::vector<EventPtr> pending_events_;  // inserted by the transaction, not yet written
};

}  // namespace jobwire
