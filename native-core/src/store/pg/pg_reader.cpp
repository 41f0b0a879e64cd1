#include "store/pg/pg_reader.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "model/json_util.h"
#include "store/read_rules.h"
#include "store/pg/pg_rows.h"
#include "store/time_bisect.h"

namespace jobwire {

namespace {

// Prepared statement names, per connection; "read_" keeps them apart from any other
// statements a pooled connection may be given.
constexpr const char* kLogBounds = "read_log_bounds";
constexpr const char* kSelectJob = "read_job";
constexpr const char* kJobExists = "read_job_exists";
constexpr const char* kSelectLogs = "read_logs";
constexpr const char* kSelectFiles = "read_files";
constexpr const char* kSelectEvents = "read_events";
constexpr const char* kSelectJobsByIds = "read_jobs_by_ids";
constexpr const char* kSelectFileEvents = "read_file_events";
constexpr const char* kProbeTime = "read_probe_time";

struct Prepared {
  const char* name;
  const char* sql;
};

const Prepared kStatements[] = {
    // The head: the newest event, or the retention mark when every event was pruned.
    {kLogBounds,
     "SELECT greatest(coalesce((SELECT max(seq) FROM events), 0), p.v), p.v FROM "
     "(SELECT value::bigint AS v FROM meta WHERE key = 'pruned_through') AS p"},
    {kSelectJob, "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs WHERE id = $1"},
    {kJobExists, "SELECT log_lines, updated_seq FROM jobs WHERE id = $1"},
    {kSelectLogs, "SELECT line FROM logs WHERE job_id = $1 AND line_no >= $2 ORDER BY line_no LIMIT $3"},
    // COLLATE "C": bytewise, as SQLite compares text, whatever the database's locale.
    {kSelectFiles,
     "SELECT file_id, job_id, path, change, updated_at FROM files WHERE job_id = $1 "
     "ORDER BY updated_at, file_id COLLATE \"C\""},
    {kSelectEvents, "SELECT " JOBWIRE_EVENT_COLUMNS " FROM events WHERE seq > $1 AND seq < $2 ORDER BY seq LIMIT $3"},
    // The ids travel as one JSON array, so one prepared statement serves any number of them.
    {kSelectJobsByIds,
     "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs WHERE id IN (SELECT value FROM json_array_elements_text($1::json))"},
    // A range scan of the log from the cursor: the file events carry the path, the change
    // and the seq, and retention bounds them the way it bounds every cursor.
    {kSelectFileEvents,
     "SELECT seq, ts, job, envelope::json->'data'->>'path', envelope::json->'data'->>'change', "
     "envelope::json->'data'->>'file_id' FROM events WHERE seq > $1 AND type = 'job.file' AND project = $2 "
     "ORDER BY seq"},
    {kProbeTime, "SELECT seq, ts FROM events WHERE seq >= $1 ORDER BY seq LIMIT 1"},
};

std::string number(int64_t value) { return std::to_string(value); }

}  // namespace

// Holds one read transaction open for the life of a read. REPEATABLE READ: every query in it
// sees the snapshot the first one took (READ COMMITTED would take a new one per query).
// COMMIT after a failed query is answered as a ROLLBACK, so it also ends an aborted one.
class PgReader::ReadTransaction {
 public:
  explicit ReadTransaction(PgConn& conn) : conn_(conn) {
    status_ = conn_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status();
  }
  ~ReadTransaction() {
    if (status_.ok()) conn_.exec("COMMIT");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  const Status& status() const { return status_; }

 private:
  PgConn& conn_;
  Status status_;
};

Result<std::unique_ptr<PgReader>> PgReader::open(const std::string& conninfo) {
  auto conn = PgConn::connect(conninfo);
  if (!conn.ok()) return conn.status();
  return open(std::move(conn).value());
}

Result<std::unique_ptr<PgReader>> PgReader::open(PgConn conn) {
  std::unique_ptr<PgReader> reader(new PgReader(std::move(conn)));
  Status s = reader->prepare_statements();
  if (!s.ok()) return s;
  return reader;
}

Status PgReader::prepare_statements() {
  for (const Prepared& statement : kStatements) {
    Status s = conn_.prepare(statement.name, statement.sql);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<PgReader::LogBounds> PgReader::log_bounds() {
  auto result = conn_.exec_prepared(kLogBounds, {});
  if (!result.ok()) return result.status();
  if (result->rows() != 1) return Status{Code::internal, "the meta table has no pruned_through"};
  return LogBounds{result->int64(0, 0), result->int64(0, 1)};
}

Result<int64_t> PgReader::head_seq() {
  auto bounds = log_bounds();
  if (!bounds.ok()) return bounds.status();
  return bounds.value().head;
}

Result<int64_t> PgReader::head_for_cursor(const char* name, int64_t cursor) {
  auto bounds = log_bounds();
  if (!bounds.ok()) return bounds.status();
  return jobwire::head_for_cursor(name, cursor, bounds.value().head, bounds.value().pruned_through);
}

Result<Job> PgReader::get_job(const std::string& id) {
  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  auto result = conn_.exec_prepared(kSelectJob, {id});
  if (!result.ok()) return result.status();
  if (result->rows() == 0) return Status{Code::not_found, "no job with id " + id};
  return job_from_row(result.value(), 0);
}

Result<JobPage> PgReader::list_jobs(const JobFilter& filter) {
  // The WHERE clause depends only on which filters are set; values are always bound, and
  // numbered as they are added (PostgreSQL refuses a parameter the text never uses).
  std::vector<std::string> values{number(filter.since_ms)};
  std::string where = " WHERE created_at >= $1";
  auto bind = [&](const char* column, std::string value) {
    values.push_back(std::move(value));
    where += std::string(" AND ") + column + " = $" + std::to_string(values.size());
  };
  if (filter.status) bind("status", job_status_name(*filter.status));
  if (filter.type) bind("type", *filter.type);
  if (filter.parent) bind("parent", *filter.parent);
  if (filter.project) bind("project", *filter.project);
  std::vector<PgParam> params(values.begin(), values.end());
  const std::string count_sql = "SELECT count(*) FROM jobs" + where;
  // created_seq breaks ties in created_at by creation order, as SQLite's rowid does.
  const std::string page_sql = "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs" + where +
                               " ORDER BY created_at DESC, created_seq DESC LIMIT $" +
                               std::to_string(params.size() + 1) + " OFFSET $" + std::to_string(params.size() + 2);
  const std::string limit = number(filter.limit), offset = number(filter.offset);
  std::vector<PgParam> page_params = params;
  page_params.insert(page_params.end(), {limit, offset});

  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  JobPage page;
  page.offset = filter.offset;
  auto count = conn_.query(count_sql, params);
  if (!count.ok()) return count.status();
  page.total = count->int64(0, 0);
  auto rows = conn_.query(page_sql, page_params);
  if (!rows.ok()) return rows.status();
  for (int row = 0; row < rows->rows(); ++row) page.jobs.push_back(job_from_row(rows.value(), row));
  auto head = head_seq();
  if (!head.ok()) return head.status();
  page.seq = head.value();
  return page;
}

Result<LogPage> PgReader::get_logs(const std::string& id, int64_t offset, int64_t limit) {
  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  auto job = conn_.exec_prepared(kJobExists, {id});
  if (!job.ok()) return job.status();
  if (job->rows() == 0) return Status{Code::not_found, "no job with id " + id};
  LogPage page;
  page.job_id = id;
  page.offset = offset;
  page.total_lines = job->int64(0, 0);
  page.changed_seq = job->int64(0, 1);
  auto lines = conn_.exec_prepared(kSelectLogs, {id, number(offset), number(limit)});
  if (!lines.ok()) return lines.status();
  for (int row = 0; row < lines->rows(); ++row) page.lines.push_back(lines->text(row, 0));
  page.has_more = offset + static_cast<int64_t>(page.lines.size()) < page.total_lines;
  auto head = head_seq();
  if (!head.ok()) return head.status();
  page.seq = head.value();
  return page;
}

Result<FileList> PgReader::list_files(const std::string& id) {
  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  auto job = conn_.exec_prepared(kJobExists, {id});
  if (!job.ok()) return job.status();
  if (job->rows() == 0) return Status{Code::not_found, "no job with id " + id};
  auto files = conn_.exec_prepared(kSelectFiles, {id});
  if (!files.ok()) return files.status();
  FileList list;
  list.changed_seq = job->int64(0, 1);
  for (int row = 0; row < files->rows(); ++row) {
    FileEntry entry;
    entry.file_id = files->text(row, 0);
    entry.job_id = files->text(row, 1);
    entry.path = files->text(row, 2);
    entry.change = parse_file_change(files->text(row, 3)).value_or(FileChange::created);
    entry.updated_at_ms = files->int64(row, 4);
    list.files.push_back(std::move(entry));
  }
  auto head = head_seq();
  if (!head.ok()) return head.status();
  list.seq = head.value();
  return list;
}

Result<JobSet> PgReader::get_jobs(const std::vector<std::string>& ids) {
  const std::string ids_json = dump_json(json(ids));
  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  auto rows = conn_.exec_prepared(kSelectJobsByIds, {ids_json});
  if (!rows.ok()) return rows.status();
  std::unordered_map<std::string, Job> found;
  for (int row = 0; row < rows->rows(); ++row) {
    Job job = job_from_row(rows.value(), row);
    std::string id = job.id;
    found.emplace(std::move(id), std::move(job));
  }
  JobSet set = job_set_in_order(ids, std::move(found));
  auto head = head_seq();
  if (!head.ok()) return head.status();
  set.seq = head.value();
  return set;
}

Result<FileChanges> PgReader::file_changes(const std::string& project, int64_t since_seq) {
  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  auto checked_head = head_for_cursor("since_seq", since_seq);
  if (!checked_head.ok()) return checked_head.status();
  auto rows = conn_.exec_prepared(kSelectFileEvents, {number(since_seq), project});
  if (!rows.ok()) return rows.status();
  LatestFileChanges changes(since_seq, checked_head.value());
  for (int row = 0; row < rows->rows(); ++row) {
    FileChangeEntry entry;
    entry.seq = rows->int64(row, 0);
    entry.ts_ms = rows->int64(row, 1);
    entry.job_id = rows->text(row, 2);
    entry.path = rows->text(row, 3);
    entry.change = parse_file_change(rows->text(row, 4)).value_or(FileChange::created);
    entry.file_id = rows->text(row, 5);
    changes.add(std::move(entry));
  }
  return std::move(changes).finish();
}

Result<EventPage> PgReader::read_events(int64_t after, size_t limit, const EventFilter& filter, int64_t below,
                                        size_t scan) {
  // The retention check and the read share one snapshot: a prune committed between them
  // could otherwise hide a hole in the log.
  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  auto checked_head = head_for_cursor("cursor", after);
  if (!checked_head.ok()) return checked_head.status();
  const int64_t head = checked_head.value();

  const int64_t upper = below > 0 ? below : INT64_MAX;
  // Unfiltered reads take exactly `limit` rows; filtered ones scan further for matches.
  const size_t rows = filter.empty() ? limit : std::max(limit, scan);
  auto result = conn_.exec_prepared(kSelectEvents, {number(after), number(upper), number(static_cast<int64_t>(rows))});
  if (!result.ok()) return result.status();
  EventPage page;
  page.next = after;
  for (int row = 0; row < result->rows(); ++row) {
    EventPtr event = event_from_row(result.value(), row);
    page.next = event->seq;
    if (filter.empty() || filter.matches(*event)) {
      page.events.push_back(std::move(event));
      if (page.events.size() == limit) break;
    }
  }
  // Rows ran out before the limit: the log holds nothing more up to the bound (or head).
  if (page.events.size() < limit && static_cast<size_t>(result->rows()) < rows)
    page.next = std::max(page.next, below > 0 ? below - 1 : head);
  return page;
}

Result<EventPage> PgReader::events_since(int64_t since_ms, size_t limit) {
  ReadTransaction tx(conn_);
  if (!tx.status().ok()) return tx.status();
  auto bounds = log_bounds();
  if (!bounds.ok()) return bounds.status();
  // No index on ts (see pg_schema.cpp): the time is found by bisection over seq.
  auto first = first_seq_at_or_after(since_ms, bounds.value().pruned_through + 1, bounds.value().head,
                                     [this](int64_t seq) -> Result<std::optional<SeqTime>> {
                                       auto probe = conn_.exec_prepared(kProbeTime, {number(seq)});
                                       if (!probe.ok()) return probe.status();
                                       if (probe->rows() == 0) return std::optional<SeqTime>();
                                       return std::optional<SeqTime>(SeqTime{probe->int64(0, 0), probe->int64(0, 1)});
                                     });
  if (!first.ok()) return first.status();
  auto result = conn_.exec_prepared(
      kSelectEvents, {number(first.value() - 1), number(INT64_MAX), number(static_cast<int64_t>(limit))});
  if (!result.ok()) return result.status();
  EventPage page;
  for (int row = 0; row < result->rows(); ++row) {
    page.events.push_back(event_from_row(result.value(), row));
    page.next = page.events.back()->seq;
  }
  return page;
}

}  // namespace jobwire
