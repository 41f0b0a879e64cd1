// The writing connection of one process on a PostgreSQL store: the rules are JobWriter's;
// this class is their SQL on PostgreSQL, the lock that keeps the log gap-free across
// processes (begin_transaction), and reconnecting when the server went away.
//
// A group's events and job rows are sent in one statement each at commit (rows as one JSON
// parameter, unpacked by json_to_recordset), so a group costs a handful of round trips
// however many writes it holds.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "jobwire/options.h"
#include "model/json_util.h"
#include "store/job_writer.h"
#include "store/pg/pg_conn.h"

namespace jobwire {

class PgWriter final : public JobWriter {
 public:
  PgWriter(std::string conninfo, KeyRetention keys, PostgresOptions options);
  // Connects and reads where the log stands.
  Status open();
  const std::string& epoch() const noexcept { return epoch_; }

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
  // The connection, made again (at most once per backoff step) after it was lost.
  Result<PgConn*> connection();
  Status prepare(PgConn& conn);
  Result<LogStart> read_log_start(PgConn& conn);
  // Sends the events and job rows held for this group.
  Status flush_rows();
  Result<PgResult> run(const char* statement, const std::vector<PgParam>& params);

  const std::string conninfo_;
  const KeyRetention keys_;
  const PostgresOptions options_;
  std::optional<PgConn> conn_;
  std::chrono::steady_clock::time_point next_connect_{};
  int backoff_ms_ = 0;
  std::string epoch_;
  json pending_events_ = json::array();
  json pending_jobs_ = json::array();
};

}  // namespace jobwire
