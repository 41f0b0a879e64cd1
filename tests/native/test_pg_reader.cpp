// PgReader against a real PostgreSQL (the ctest fixture's), and SqliteReader against a SQLite
// file, seeded with the same rows by plain SQL: every assertion runs on both readers, so a
// pass shows they give the same answers for the same data.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "pg_test_env.h"
#include "store/pg/pg_reader.h"
#include "store/pg/pg_schema.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_reader.h"
#include "temp_store.h"

using namespace jobwire;
using namespace jobwire_test;

namespace {

// A store, empty but for its schema, that takes SQL and answers through its reader.
class SeededStore {
 public:
  virtual ~SeededStore() = default;
  virtual void exec(const std::string& sql) = 0;
  // The jobs table's columns beyond those both stores share, with their values for a job
  // created by the event `seq` (PostgreSQL keeps created_seq where SQLite has its rowid).
  virtual std::string extra_job_columns() const = 0;
  virtual std::string extra_job_values(int64_t created_seq) const = 0;
  virtual StoreReader& reader() = 0;
};

class SqliteSeeded final : public SeededStore {
 public:
  SqliteSeeded() {
    REQUIRE(db_.open(dir_.file("jobs.db"), /*read_only=*/false).ok());
    REQUIRE(migrate(db_).ok());
  }
  void exec(const std::string& sql) override {
    Status s = db_.exec(sql.c_str());
    INFO(sql << ": " << s.message());
    REQUIRE(s.ok());
  }
  std::string extra_job_columns() const override { return ""; }
  std::string extra_job_values(int64_t) const override { return ""; }
  StoreReader& reader() override {
    if (!reader_) {
      reader_ = std::make_unique<SqliteReader>();
      Status s = reader_->open(dir_.file("jobs.db"));
      INFO(s.message());
      REQUIRE(s.ok());
    }
    return *reader_;
  }

 private:
  TempDir dir_;
  SqliteDb db_;
  std::unique_ptr<SqliteReader> reader_;
};

// A schema of its own in the server's database, dropped when the test ends: far cheaper
// than a database of its own (CREATE DATABASE copies a template and flushes it to disk).
// conninfo() puts it first on the search path, so the store's unqualified tables land in it.
class TempPgSchema {
 public:
  explicit TempPgSchema(const std::string& server) : server_(server), name_(unique_name("jobwire_test_")) {
    auto admin = pg_connect(server_);
    pg_exec(admin, "CREATE SCHEMA " + name_);
  }
  ~TempPgSchema() {
    auto admin = PgConn::connect(server_);
    if (admin.ok()) admin->exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  }
  TempPgSchema(const TempPgSchema&) = delete;
  TempPgSchema& operator=(const TempPgSchema&) = delete;

  std::string conninfo() const { return server_ + " options='-c search_path=" + name_ + "'"; }

 private:
  std::string server_;
  std::string name_;
};

class PgSeeded final : public SeededStore {
 public:
  explicit PgSeeded(const std::string& server) : schema_(server), conn_(pg_connect(schema_.conninfo())) {
    Status s = pg_migrate(conn_);
    INFO(s.message());
    REQUIRE(s.ok());
  }
  void exec(const std::string& sql) override { pg_exec(conn_, sql); }
  std::string extra_job_columns() const override { return ", created_seq"; }
  std::string extra_job_values(int64_t created_seq) const override { return ", " + std::to_string(created_seq); }
  StoreReader& reader() override {
    if (!reader_) {
      auto reader = PgReader::open(schema_.conninfo());
      INFO(reader.status().message());
      REQUIRE(reader.ok());
      reader_ = std::move(reader).value();
    }
    return *reader_;
  }

 private:
  TempPgSchema schema_;
  PgConn conn_;
  std::unique_ptr<PgReader> reader_;
};

// Each test case runs once per store; nullptr when PostgreSQL is not there (skipped).
std::unique_ptr<SeededStore> open_store(const std::string& kind) {
  if (kind == "sqlite") return std::make_unique<SqliteSeeded>();
  auto server = pg_test_conninfo();
  if (!server) return nullptr;
  return std::make_unique<PgSeeded>(*server);
}

// id, type, project, parent, tree_path, status, created_at, created_seq, updated_seq
struct JobSeed {
  const char* id;
  const char* type;
  const char* project;
  const char* parent;  // "" for a root job
  const char* tree_path;
  const char* status;
  int64_t created_at;
  int64_t created_seq;
  int64_t updated_seq;
};

// Inserted in this order (the stores' insertion order). b2, a3 and c4 share a created_at,
// and their ids sort against their order of creation, so a tie broken by id would show.
const JobSeed kJobs[] = {
    {"j1", "build", "p1", "", "/j1/", "completed", 1000, 1, 8},
    {"b2", "test", "p1", "j1", "/j1/b2/", "running", 2000, 2, 6},
    {"a3", "build", "p2", "", "/a3/", "pending", 2000, 3, 9},
    {"c4", "build", "p1", "b2", "/j1/b2/c4/", "failed", 2000, 5, 7},
    {"d5", "deploy", "p2", "", "/d5/", "pending", 3000, 10, 10},
};

struct EventSeed {
  int64_t seq;
  const char* type;
  int64_t ts;
  const char* job;
  const char* project;
  const char* tree_path;
  const char* data;  // the envelope's data, JSON
};

const EventSeed kEvents[] = {
    {1, "job.created", 1000, "j1", "p1", "/j1/", "{}"},
    {2, "job.created", 2000, "b2", "p1", "/j1/b2/", "{}"},
    {3, "job.created", 2000, "a3", "p2", "/a3/", "{}"},
    {4, "job.file", 2100, "j1", "p1", "/j1/", R"({"path":"src/a.c","change":"created","file_id":"e1"})"},
    {5, "job.created", 2200, "c4", "p1", "/j1/b2/c4/", "{}"},
    {6, "job.file", 2300, "b2", "p1", "/j1/b2/", R"({"path":"src/b.c","change":"created","file_id":"g2"})"},
    {7, "job.log", 2300, "c4", "p1", "/j1/b2/c4/", R"({"lines":["l0"]})"},
    {8, "job.file", 2500, "j1", "p1", "/j1/", R"({"path":"src/a.c","change":"modified","file_id":"e1"})"},
    {9, "job.file", 2600, "a3", "p2", "/a3/", R"({"path":"src/a.c","change":"created","file_id":"h3"})"},
    {10, "job.created", 3000, "d5", "p2", "/d5/", "{}"},
    {11, "x.custom", 3000, "d5", "p2", "/d5/", R"({"n":1})"},
};
constexpr int64_t kHead = 11;

std::string envelope(const EventSeed& e) {
  return std::string(R"({"seq":)") + std::to_string(e.seq) + R"(,"type":")" + e.type + R"(","data":)" + e.data + "}";
}

// In one transaction: a commit per row would wait for a disk flush per row.
void seed(SeededStore& store) {
  store.exec("BEGIN");
  for (const JobSeed& j : kJobs) {
    std::string parent = *j.parent ? std::string("'") + j.parent + "'" : "NULL";
    store.exec(std::string("INSERT INTO jobs (id, type, project, parent, tree_path, priority, status, progress, "
                           "created_at, updated_at, error_message, summary, log_lines, updated_seq") +
               store.extra_job_columns() + ") VALUES ('" + j.id + "', '" + j.type + "', '" + j.project + "', " +
               parent + ", '" + j.tree_path + "', 2, '" + j.status + "', 12.5, " + std::to_string(j.created_at) +
               ", " + std::to_string(j.created_at) + ", " +
               (std::string(j.status) == "failed" ? "'boom'" : "NULL") + ", '{\"k\":1}', " +
               (std::string(j.id) == "c4" ? "5" : "0") + ", " + std::to_string(j.updated_seq) +
               store.extra_job_values(j.created_seq) + ")");
  }
  for (int line = 0; line < 5; ++line)
    store.exec("INSERT INTO logs (job_id, line_no, line) VALUES ('c4', " + std::to_string(line) + ", 'line " +
               std::to_string(line) + "')");
  // j1's files: "F9" sorts before "e1" bytewise (SQLite's order) but after it in most locales.
  store.exec(
      "INSERT INTO files (file_id, job_id, path, change, updated_at) VALUES "
      "('e1', 'j1', 'src/a.c', 'modified', 2500), ('F9', 'j1', 'src/z.c', 'created', 2500), "
      "('d0', 'j1', 'src/y.c', 'deleted', 2400), ('g2', 'b2', 'src/b.c', 'created', 2300)");
  for (const EventSeed& e : kEvents)
    store.exec("INSERT INTO events (seq, type, ts, job, project, tree_path, envelope) VALUES (" +
               std::to_string(e.seq) + ", '" + e.type + "', " + std::to_string(e.ts) + ", '" + e.job + "', '" +
               e.project + "', '" + e.tree_path + "', '" + envelope(e) + "')");
  store.exec("COMMIT");
}

// Retention ran: events up to `through` are gone.
void prune(SeededStore& store, int64_t through) {
  store.exec("BEGIN");
  store.exec("DELETE FROM events WHERE seq <= " + std::to_string(through));
  store.exec("UPDATE meta SET value = '" + std::to_string(through) + "' WHERE key = 'pruned_through'");
  store.exec("COMMIT");
}

std::vector<std::string> ids(const std::vector<Job>& jobs) {
  std::vector<std::string> out;
  for (const Job& job : jobs) out.push_back(job.id);
  return out;
}

std::vector<int64_t> seqs(const EventPage& page) {
  std::vector<int64_t> out;
  for (const EventPtr& event : page.events) out.push_back(event->seq);
  return out;
}

template <class T>
T ok(Result<T> result) {
  INFO(result.status().message());
  REQUIRE(result.ok());
  return std::move(result).value();
}

void check_error(const Status& status, Code code, const std::string& message) {
  CHECK(status.code() == code);
  CHECK(status.message() == message);
}

// Opens and seeds each store in turn: the rest of the test case runs once per store.
#define FOR_EACH_STORE()                                                 \
  const std::string kind = GENERATE(as<std::string>{}, "sqlite", "pg"); \
  INFO("store: " << kind);                                               \
  auto store = open_store(kind);                                         \
  if (!store) return;                                                    \
  seed(*store);                                                          \
  StoreReader& reader = store->reader()

}  // namespace

TEST_CASE("pg reader: get_job reads every column, and answers not_found for an unknown id") {
  FOR_EACH_STORE();
  const Job& job = ok(reader.get_job("c4"));
  CHECK(job.id == "c4");
  CHECK(job.type == "build");
  CHECK(job.project == "p1");
  CHECK(job.parent == "b2");
  CHECK(job.priority == 2);
  CHECK(job.status == JobStatus::failed);
  CHECK(job.progress_percent == 12.5);
  CHECK(job.created_at_ms == 2000);
  CHECK(job.started_at_ms == 0);
  CHECK(job.error_message == "boom");
  CHECK_FALSE(job.file_path);
  CHECK(job.summary_json == R"({"k":1})");
  CHECK(job.validation_json == "null");
  CHECK(job.log_lines == 5);
  CHECK(job.updated_seq == 7);
  CHECK_FALSE(ok(reader.get_job("j1")).parent);
  check_error(reader.get_job("nope").status(), Code::not_found, "no job with id nope");
}

TEST_CASE("pg reader: list_jobs orders by created_at then creation, filters, pages and counts") {
  FOR_EACH_STORE();
  auto list = [&](JobFilter filter) { return ok(reader.list_jobs(filter)); };
  JobPage all = list({});
  CHECK(ids(all.jobs) == std::vector<std::string>{"d5", "c4", "a3", "b2", "j1"});
  CHECK(all.total == 5);
  CHECK(all.seq == kHead);

  JobFilter filter;
  filter.status = JobStatus::pending;
  CHECK(ids(list(filter).jobs) == std::vector<std::string>{"d5", "a3"});
  filter = {};
  filter.type = "build";
  CHECK(ids(list(filter).jobs) == std::vector<std::string>{"c4", "a3", "j1"});
  filter = {};
  filter.parent = "j1";
  CHECK(ids(list(filter).jobs) == std::vector<std::string>{"b2"});
  filter = {};
  filter.project = "p1";
  filter.type = "build";
  JobPage p1_builds = list(filter);
  CHECK(ids(p1_builds.jobs) == std::vector<std::string>{"c4", "j1"});
  CHECK(p1_builds.total == 2);
  filter = {};
  filter.since_ms = 2000;
  filter.status = JobStatus::running;
  CHECK(ids(list(filter).jobs) == std::vector<std::string>{"b2"});
  filter = {};
  filter.since_ms = 2001;
  CHECK(ids(list(filter).jobs) == std::vector<std::string>{"d5"});

  filter = {};
  filter.limit = 2;
  filter.offset = 1;
  JobPage page = list(filter);
  CHECK(ids(page.jobs) == std::vector<std::string>{"c4", "a3"});
  CHECK(page.total == 5);
  CHECK(page.offset == 1);
  filter.offset = 5;
  JobPage past_end = list(filter);
  CHECK(past_end.jobs.empty());
  CHECK(past_end.total == 5);
  filter = {};
  filter.project = "none";
  CHECK(list(filter).total == 0);
}

TEST_CASE("pg reader: get_logs pages a job's lines, list_files lists its files") {
  FOR_EACH_STORE();
  const LogPage& first = ok(reader.get_logs("c4", 1, 2));
  CHECK(first.job_id == "c4");
  CHECK(first.lines == std::vector<std::string>{"line 1", "line 2"});
  CHECK(first.total_lines == 5);
  CHECK(first.offset == 1);
  CHECK(first.has_more);
  CHECK(first.seq == kHead);
  const LogPage& last = ok(reader.get_logs("c4", 3, 10));
  CHECK(last.lines == std::vector<std::string>{"line 3", "line 4"});
  CHECK_FALSE(last.has_more);
  const LogPage& none = ok(reader.get_logs("j1", 0, 10));
  CHECK(none.lines.empty());
  CHECK(none.total_lines == 0);
  CHECK_FALSE(none.has_more);
  check_error(reader.get_logs("nope", 0, 10).status(), Code::not_found, "no job with id nope");

  const FileList& files = ok(reader.list_files("j1"));
  REQUIRE(files.files.size() == 3);
  CHECK(files.files[0].file_id == "d0");
  CHECK(files.files[0].change == FileChange::deleted);
  CHECK(files.files[0].updated_at_ms == 2400);
  CHECK(files.files[1].file_id == "F9");
  CHECK(files.files[1].path == "src/z.c");
  CHECK(files.files[2].file_id == "e1");
  CHECK(files.files[2].change == FileChange::modified);
  CHECK(files.files[2].job_id == "j1");
  CHECK(files.seq == kHead);
  CHECK(ok(reader.list_files("d5")).files.empty());
  check_error(reader.list_files("nope").status(), Code::not_found, "no job with id nope");
}

TEST_CASE("pg reader: get_jobs answers in the order asked, each id once, with the unknown ones") {
  FOR_EACH_STORE();
  const JobSet& set = ok(reader.get_jobs({"c4", "nope", "j1", "c4", "it's"}));
  CHECK(ids(set.jobs) == std::vector<std::string>{"c4", "j1"});
  CHECK(set.missing == std::vector<std::string>{"nope", "it's"});
  CHECK(set.changed_seq == 8);
  CHECK(set.seq == kHead);
  const JobSet& empty = ok(reader.get_jobs({}));
  CHECK(empty.jobs.empty());
  CHECK(empty.changed_seq == 0);
}

TEST_CASE("pg reader: file_changes gives each path's latest change since a seq, within retention") {
  FOR_EACH_STORE();
  const FileChanges& p1 = ok(reader.file_changes("p1", 0));
  REQUIRE(p1.files.size() == 2);
  CHECK(p1.files[0].path == "src/b.c");
  CHECK(p1.files[0].seq == 6);
  CHECK(p1.files[0].job_id == "b2");
  CHECK(p1.files[0].file_id == "g2");
  CHECK(p1.files[1].path == "src/a.c");
  CHECK(p1.files[1].change == FileChange::modified);
  CHECK(p1.files[1].seq == 8);
  CHECK(p1.files[1].ts_ms == 2500);
  CHECK(p1.changed_seq == 8);
  CHECK(p1.seq == kHead);
  CHECK(p1.since_seq == 0);
  const FileChanges& later = ok(reader.file_changes("p1", 6));
  REQUIRE(later.files.size() == 1);
  CHECK(later.files[0].seq == 8);
  const FileChanges& none = ok(reader.file_changes("p1", 8));
  CHECK(none.files.empty());
  CHECK(none.changed_seq == 8);
  const FileChanges& p2 = ok(reader.file_changes("p2", 0));
  REQUIRE(p2.files.size() == 1);
  CHECK(p2.files[0].file_id == "h3");

  check_error(reader.file_changes("p1", kHead + 1).status(), Code::reset,
              "since_seq 12 is beyond the newest seq 11: the store was replaced");
  prune(*store, 5);
  check_error(reader.file_changes("p1", 4).status(), Code::reset,
              "since_seq 4 is older than retention (oldest seq 6)");
  CHECK(ok(reader.file_changes("p1", 5)).files.size() == 2);
}

TEST_CASE("pg reader: read_events pages the log from a cursor, with filters, a bound and a scan limit") {
  FOR_EACH_STORE();
  auto read = [&](int64_t after, size_t limit, const EventFilter& filter = {}, int64_t below = 0, size_t scan = 0) {
    return ok(reader.read_events(after, limit, filter, below, scan));
  };
  EventPage first = read(0, 3);
  CHECK(seqs(first) == std::vector<int64_t>{1, 2, 3});
  CHECK(first.next == 3);
  CHECK(first.events[0]->type == "job.created");
  CHECK(first.events[0]->ts_ms == 1000);
  CHECK(first.events[0]->job == "j1");
  CHECK(first.events[0]->project == "p1");
  CHECK(first.events[0]->tree_path == "/j1/");
  CHECK(first.events[0]->json == envelope(kEvents[0]));
  EventPage rest = read(9, 100);
  CHECK(seqs(rest) == std::vector<int64_t>{10, 11});
  CHECK(rest.next == kHead);
  EventPage at_head = read(kHead, 100);
  CHECK(at_head.events.empty());
  CHECK(at_head.next == kHead);

  EventFilter project;
  project.project = "p2";
  EventPage p2 = read(0, 2, project, 0, 100);
  CHECK(seqs(p2) == std::vector<int64_t>{3, 9});
  CHECK(p2.next == 9);
  EventFilter subtree;
  subtree.job = "b2";
  EventPage b2 = read(0, 10, subtree, 0, 100);
  CHECK(seqs(b2) == std::vector<int64_t>{2, 5, 6, 7});
  CHECK(b2.next == kHead);
  EventFilter types;
  types.types = {"job.file", "x.*"};
  CHECK(seqs(read(0, 10, types, 0, 100)) == std::vector<int64_t>{4, 6, 8, 9, 11});
  // The scan stops at 4 rows without a match: the cursor still moves past them.
  EventFilter custom;
  custom.types = {"x.*"};
  EventPage scanned = read(0, 1, custom, 0, 4);
  CHECK(scanned.events.empty());
  CHECK(scanned.next == 4);

  EventPage bounded = read(0, 100, {}, 5);
  CHECK(seqs(bounded) == std::vector<int64_t>{1, 2, 3, 4});
  CHECK(bounded.next == 4);
  CHECK(read(2, 1, {}, 5).next == 3);

  check_error(reader.read_events(kHead + 1, 10, {}, 0, 0).status(), Code::reset,
              "cursor 12 is beyond the newest seq 11: the store was replaced");
  prune(*store, 3);
  check_error(reader.read_events(2, 10, {}, 0, 0).status(), Code::reset,
              "cursor 2 is older than retention (oldest seq 4)");
  CHECK(seqs(read(3, 2)) == std::vector<int64_t>{4, 5});
}

TEST_CASE("pg reader: with every event pruned, the head is the retention mark") {
  FOR_EACH_STORE();
  prune(*store, kHead);
  EventPage page = ok(reader.read_events(kHead, 10, {}, 0, 0));
  CHECK(page.events.empty());
  CHECK(page.next == kHead);
  CHECK(ok(reader.list_jobs({})).seq == kHead);
  CHECK(ok(reader.events_since(0, 10)).events.empty());
}

TEST_CASE("pg reader: events_since starts at the first event stamped at or after the time") {
  FOR_EACH_STORE();
  auto since = [&](int64_t ms, size_t limit) { return ok(reader.events_since(ms, limit)); };
  CHECK(seqs(since(0, 3)) == std::vector<int64_t>{1, 2, 3});
  EventPage page = since(2300, 2);
  CHECK(seqs(page) == std::vector<int64_t>{6, 7});
  CHECK(page.next == 7);
  CHECK(seqs(since(2001, 100)) == std::vector<int64_t>{4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(seqs(since(3000, 100)) == std::vector<int64_t>{10, 11});
  EventPage none = since(3001, 100);
  CHECK(none.events.empty());
  CHECK(none.next == 0);
  prune(*store, 7);
  CHECK(seqs(since(0, 100)) == std::vector<int64_t>{8, 9, 10, 11});
}
