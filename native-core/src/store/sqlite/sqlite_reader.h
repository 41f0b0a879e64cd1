// A reading connection with its prepared statements. Each read runs in one read
// transaction, so a snapshot and the seq it reports always agree.
#pragma once

#include <string>

#include "store/store.h"
#include "store/sqlite/event_times.h"
#include "store/sqlite/sqlite_db.h"

namespace jobwire {

class SqliteReader final : public StoreReader {
 public:
  Status open(const std::string& path);
  // A file's reader has no connection to lose.
  bool broken() const { return false; }

  Result<Job> get_job(const std::string& id) override;
  Result<JobPage> list_jobs(const JobFilter& filter) override;
  Result<LogPage> get_logs(const std::string& id, int64_t offset, int64_t limit) override;
  Result<FileList> list_files(const std::string& id) override;
  Result<JobSet> get_jobs(const std::vector<std::string>& ids) override;
  Result<FileChanges> file_changes(const std::string& project, int64_t since_seq) override;
  Result<EventPage> read_events(int64_t after, size_t limit, const EventFilter& filter, int64_t below,
                                size_t scan) override;
  Result<EventPage> events_since(int64_t since_ms, size_t limit) override;

 private:
  class ReadTransaction;
  struct LogBounds {
    int64_t head;
    int64_t pruned_through;
  };
  Result<int64_t> head_seq();
  Result<LogBounds> log_bounds();
  // The cursor rule, in one place for every read that resumes from a seq: a cursor older
  // than retention, or beyond the head (another store), is `reset`. Returns the head. Runs
  // inside the read's own transaction, so a prune cannot slip between check and read.
  Result<int64_t> head_for_cursor(const char* name, int64_t cursor);

  SqliteDb db_;
  Statement begin_, end_, log_bounds_;
  Statement select_job_, select_logs_, select_files_, select_events_, job_exists_;
  Statement select_jobs_by_ids_, select_file_events_;
  EventTimes event_times_;
};

}  // namespace jobwire
