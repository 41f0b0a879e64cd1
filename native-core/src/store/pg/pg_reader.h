// A reading connection to the PostgreSQL store with its prepared statements: the twin of
// SqliteReader, answering the same reads with the same values, orders and errors. Each read
// runs in one REPEATABLE READ transaction, so every query in it sees one snapshot and the
// seq a read reports always agrees with its data. Used by one thread at a time (PgStore
// pools them).
#pragma once

#include <memory>
#include <string>

#include "store/pg/pg_conn.h"
#include "store/store.h"

namespace jobwire {

class PgReader final : public StoreReader {
 public:
  static Result<std::unique_ptr<PgReader>> open(const std::string& conninfo);
  // Takes a connected PgConn and prepares the reader's statements on it.
  static Result<std::unique_ptr<PgReader>> open(PgConn conn);

  // The connection is lost: every read answers `unavailable`; the pool drops this reader.
  bool broken() const { return conn_.broken(); }

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
  explicit PgReader(PgConn conn) : conn_(std::move(conn)) {}
  Status prepare_statements();

  class ReadTransaction;
  struct LogBounds {
    int64_t head;
    int64_t pruned_through;
  };
  Result<int64_t> head_seq();
  Result<LogBounds> log_bounds();
  // The cursor rule, as SqliteReader has it: a cursor older than retention, or beyond the
  // head (another store), is `reset`. Returns the head. Runs inside the read's transaction,
  // so a prune cannot slip between check and read.
  Result<int64_t> head_for_cursor(const char* name, int64_t cursor);

  PgConn conn_;
};

}  // namespace jobwire
