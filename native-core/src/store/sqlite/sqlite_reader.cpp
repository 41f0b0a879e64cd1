#include "store/sqlite/sqlite_reader.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "model/json_util.h"
#include "store/read_rules.h"
#include "store/sqlite/job_rows.h"

namespace jobwire {

// Holds one read transaction open for the life of a read, so every query in it sees the
// same committed state.
class SqliteReader::ReadTransaction {
 public:
  explicit ReadTransaction(SqliteReader& reader) : reader_(reader) { status_ = reader_.begin_.run(); }
  ~ReadTransaction() {
    if (status_.ok()) reader_.end_.run();
  }
  const Status& status() const { return status_; }

 private:
  SqliteReader& reader_;
  Status status_;
};

Status SqliteReader::open(const std::string& path) {
  Status s = db_.open(path, /*read_only=*/true);
  if (!s.ok()) return s;
  sqlite3* h = db_.handle();
  begin_ = Statement(h, "BEGIN");
  end_ = Statement(h, "COMMIT");
  log_bounds_ = Statement(h,
                          "SELECT max(coalesce((SELECT max(seq) FROM events), 0), p.v), p.v FROM "
                          "(SELECT CAST(value AS INTEGER) AS v FROM meta WHERE key = 'pruned_through') AS p");
  select_job_ = Statement(h, "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs WHERE id = ?1");
  job_exists_ = Statement(h, "SELECT log_lines, updated_seq FROM jobs WHERE id = ?1");
  select_logs_ = Statement(h, "SELECT line FROM logs WHERE job_id = ?1 AND line_no >= ?2 ORDER BY line_no LIMIT ?3");
  select_files_ = Statement(h,
                            "SELECT file_id, job_id, path, change, updated_at FROM files WHERE job_id = ?1 "
                            "ORDER BY updated_at, file_id");
  select_events_ = Statement(h, "SELECT " JOBWIRE_EVENT_COLUMNS " FROM events WHERE seq > ?1 AND seq < ?2 "
                                "ORDER BY seq LIMIT ?3");
  // The ids travel as one JSON array, so one prepared statement serves any number of them.
  select_jobs_by_ids_ =
      Statement(h, "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs WHERE id IN (SELECT value FROM json_each(?1))");
  // A range scan of the log from the cursor: the file events carry the path, the change
  // and the seq, and retention bounds them the way it bounds every cursor.
  select_file_events_ = Statement(h,
                                  "SELECT seq, ts, job, json_extract(envelope, '$.data.path'), "
                                  "json_extract(envelope, '$.data.change'), json_extract(envelope, '$.data.file_id') "
                                  "FROM events WHERE seq > ?1 AND type = 'job.file' AND project = ?2 ORDER BY seq");
  for (Statement* stmt : {&begin_, &end_, &log_bounds_, &select_job_, &job_exists_, &select_logs_, &select_files_,
                          &select_events_, &select_jobs_by_ids_, &select_file_events_})
    if (!stmt->valid()) return stmt->status();
  return event_times_.prepare(h);
}

Result<int64_t> SqliteReader::head_seq() {
  auto bounds = log_bounds();
  if (!bounds.ok()) return bounds.status();
  return bounds.value().head;
}

Result<Job> SqliteReader::get_job(const std::string& id) {
  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  select_job_.bind(1, std::string_view(id));
  if (!select_job_.step()) {
    Status s = select_job_.status();
    select_job_.reset();
    if (!s.ok()) return s;
    return Status{Code::not_found, "no job with id " + id};
  }
  Job job = job_from_row(select_job_);
  select_job_.reset();
  return job;
}

Result<JobPage> SqliteReader::list_jobs(const JobFilter& filter) {
  // The WHERE clause depends only on which filters are set; values are always bound.
  std::string where = " WHERE created_at >= ?1";
  if (filter.status) where += " AND status = ?2";
  if (filter.type) where += " AND type = ?3";
  if (filter.parent) where += " AND parent = ?4";
  if (filter.project) where += " AND project = ?5";
  std::string count_sql = "SELECT count(*) FROM jobs" + where;
  std::string page_sql = "SELECT " JOBWIRE_JOB_COLUMNS " FROM jobs" + where +
                         " ORDER BY created_at DESC, rowid DESC LIMIT ?6 OFFSET ?7";
  Statement count(db_.handle(), count_sql.c_str());
  Statement page(db_.handle(), page_sql.c_str());
  if (!count.valid()) return count.status();
  if (!page.valid()) return page.status();
  std::string status_name = filter.status ? job_status_name(*filter.status) : "";
  for (Statement* stmt : {&count, &page}) {
    stmt->bind(1, filter.since_ms);
    if (filter.status) stmt->bind(2, std::string_view(status_name));
    if (filter.type) stmt->bind(3, std::string_view(*filter.type));
    if (filter.parent) stmt->bind(4, std::string_view(*filter.parent));
    if (filter.project) stmt->bind(5, std::string_view(*filter.project));
  }
  page.bind(6, filter.limit).bind(7, filter.offset);

  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  JobPage result;
  result.offset = filter.offset;
  if (!count.step()) return count.status();
  result.total = count.int64(0);
  while (page.step()) result.jobs.push_back(job_from_row(page));
  if (!page.status().ok()) return page.status();
  auto head = head_seq();
  if (!head.ok()) return head.status();
  result.seq = head.value();
  return result;
}

Result<LogPage> SqliteReader::get_logs(const std::string& id, int64_t offset, int64_t limit) {
  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  job_exists_.bind(1, std::string_view(id));
  bool found = job_exists_.step();
  int64_t total = found ? job_exists_.int64(0) : 0;
  int64_t changed_seq = found ? job_exists_.int64(1) : 0;
  Status s = job_exists_.status();
  job_exists_.reset();
  if (!s.ok()) return s;
  if (!found) return Status{Code::not_found, "no job with id " + id};
  LogPage page;
  page.job_id = id;
  page.offset = offset;
  page.total_lines = total;
  page.changed_seq = changed_seq;
  select_logs_.bind(1, std::string_view(id)).bind(2, offset).bind(3, limit);
  while (select_logs_.step()) page.lines.push_back(select_logs_.text(0));
  s = select_logs_.status();
  select_logs_.reset();
  if (!s.ok()) return s;
  page.has_more = offset + static_cast<int64_t>(page.lines.size()) < total;
  auto head = head_seq();
  if (!head.ok()) return head.status();
  page.seq = head.value();
  return page;
}

Result<FileList> SqliteReader::list_files(const std::string& id) {
  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  job_exists_.bind(1, std::string_view(id));
  bool found = job_exists_.step();
  int64_t changed_seq = found ? job_exists_.int64(1) : 0;
  Status s = job_exists_.status();
  job_exists_.reset();
  if (!s.ok()) return s;
  if (!found) return Status{Code::not_found, "no job with id " + id};
  FileList list;
  list.changed_seq = changed_seq;
  select_files_.bind(1, std::string_view(id));
  while (select_files_.step()) {
    FileEntry entry;
    entry.file_id = select_files_.text(0);
    entry.job_id = select_files_.text(1);
    entry.path = select_files_.text(2);
    entry.change = parse_file_change(select_files_.text(3)).value_or(FileChange::created);
    entry.updated_at_ms = select_files_.int64(4);
    list.files.push_back(std::move(entry));
  }
  s = select_files_.status();
  select_files_.reset();
  if (!s.ok()) return s;
  auto head = head_seq();
  if (!head.ok()) return head.status();
  list.seq = head.value();
  return list;
}

Result<JobSet> SqliteReader::get_jobs(const std::vector<std::string>& ids) {
  std::string ids_json = dump_json(json(ids));
  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  std::unordered_map<std::string, Job> found;
  select_jobs_by_ids_.bind(1, std::string_view(ids_json));
  while (select_jobs_by_ids_.step()) {
    Job job = job_from_row(select_jobs_by_ids_);
    std::string id = job.id;
    found.emplace(std::move(id), std::move(job));
  }
  Status s = select_jobs_by_ids_.status();
  select_jobs_by_ids_.reset();
  if (!s.ok()) return s;
  JobSet set = job_set_in_order(ids, std::move(found));
  auto head = head_seq();
  if (!head.ok()) return head.status();
  set.seq = head.value();
  return set;
}

Result<int64_t> SqliteReader::head_for_cursor(const char* name, int64_t cursor) {
  auto bounds = log_bounds();
  if (!bounds.ok()) return bounds.status();
  return jobwire::head_for_cursor(name, cursor, bounds.value().head, bounds.value().pruned_through);
}

Result<FileChanges> SqliteReader::file_changes(const std::string& project, int64_t since_seq) {
  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  auto checked_head = head_for_cursor("since_seq", since_seq);
  if (!checked_head.ok()) return checked_head.status();
  const int64_t head = checked_head.value();
  LatestFileChanges changes(since_seq, head);
  select_file_events_.bind(1, since_seq).bind(2, std::string_view(project));
  while (select_file_events_.step()) {
    FileChangeEntry entry;
    entry.seq = select_file_events_.int64(0);
    entry.ts_ms = select_file_events_.int64(1);
    entry.job_id = select_file_events_.text(2);
    entry.path = select_file_events_.text(3);
    entry.change = parse_file_change(select_file_events_.text(4)).value_or(FileChange::created);
    entry.file_id = select_file_events_.text(5);
    changes.add(std::move(entry));
  }
  Status s = select_file_events_.status();
  select_file_events_.reset();
  if (!s.ok()) return s;
  return std::move(changes).finish();
}

Result<EventPage> SqliteReader::read_events(int64_t after, size_t limit, const EventFilter& filter, int64_t below,
                                            size_t scan) {
  // The retention check and the read share one transaction: a prune committed between
  // them could otherwise hide a hole in the log.
  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  auto checked_head = head_for_cursor("cursor", after);
  if (!checked_head.ok()) return checked_head.status();
  const int64_t head = checked_head.value();

  EventPage page;
  page.next = after;
  const int64_t upper = below > 0 ? below : INT64_MAX;
  // Unfiltered reads take exactly `limit` rows; filtered ones scan further for matches.
  const size_t rows = filter.empty() ? limit : std::max(limit, scan);
  select_events_.bind(1, after).bind(2, upper).bind(3, static_cast<int64_t>(rows));
  size_t examined = 0;
  while (select_events_.step()) {
    ++examined;
    EventPtr event = event_from_row(select_events_);
    page.next = event->seq;
    if (filter.empty() || filter.matches(*event)) {
      page.events.push_back(std::move(event));
      if (page.events.size() == limit) break;
    }
  }
  Status s = select_events_.status();
  select_events_.reset();
  if (!s.ok()) return s;
  // Rows ran out before the limit: the log holds nothing more up to the bound (or head).
  if (page.events.size() < limit && examined < rows) page.next = std::max(page.next, below > 0 ? below - 1 : head);
  return page;
}

Result<EventPage> SqliteReader::events_since(int64_t since_ms, size_t limit) {
  ReadTransaction tx(*this);
  if (!tx.status().ok()) return tx.status();
  auto bounds = log_bounds();
  if (!bounds.ok()) return bounds.status();
  auto first = event_times_.first_at_or_after(since_ms, bounds.value().pruned_through + 1, bounds.value().head);
  if (!first.ok()) return first.status();
  EventPage page;
  select_events_.bind(1, first.value() - 1).bind(2, INT64_MAX).bind(3, static_cast<int64_t>(limit));
  while (select_events_.step()) {
    page.events.push_back(event_from_row(select_events_));
    page.next = page.events.back()->seq;
  }
  Status s = select_events_.status();
  select_events_.reset();
  if (!s.ok()) return s;
  return page;
}

Result<SqliteReader::LogBounds> SqliteReader::log_bounds() {
  if (!log_bounds_.step()) {
    Status s = log_bounds_.status();
    log_bounds_.reset();
    return s;
  }
  LogBounds bounds{log_bounds_.int64(0), log_bounds_.int64(1)};
  log_bounds_.reset();
  return bounds;
}

}  // namespace jobwire
