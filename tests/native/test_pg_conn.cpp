// The PostgreSQL foundations against a real server (pg_test_env.h): connecting and its
// errors, parameters, migrations from several instances at once, LISTEN/NOTIFY, and the
// error a machine without libpq gets.
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "pg_test_env.h"
#include "platform/platform.h"
#include "store/pg/libpq_api.h"
#include "store/pg/pg_conn.h"
#include "store/pg/pg_schema.h"

using jobwire::Code;
using jobwire::PgConn;
using jobwire::PgParam;
using namespace jobwire_test;

namespace {

// Sets an environment variable for one scope, restoring what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A role that must log in with `password`, dropped when the test ends.
class TempRole {
 public:
  TempRole(const std::string& server, const std::string& password)
      : server_(server), name_(unique_name("jobwire_pw_")) {
    auto admin = pg_connect(server_);
    pg_exec(admin, "CREATE ROLE " + name_ + " LOGIN PASSWORD '" + password + "'");
  }
  ~TempRole() {
    auto admin = PgConn::connect(server_);
    if (admin.ok()) admin->exec("DROP ROLE IF EXISTS " + name_);
  }
  const std::string& name() const { return name_; }

 private:
  std::string server_;
  std::string name_;
};

}  // namespace

TEST_CASE("connecting to a port nothing listens on is unavailable and never shows the password") {
  const std::string password = "Sup3r-Secret-In-Url";
  auto url = PgConn::connect("postgresql://jobwire:" + password + "@127.0.0.1:1/jobwire?connect_timeout=5");
  REQUIRE_FALSE(url.ok());
  CHECK(url.status().code() == Code::unavailable);
  CHECK(url.status().message().find("127.0.0.1") != std::string::npos);
  CHECK(url.status().message().find("port=1") != std::string::npos);
  CHECK(url.status().message().find(password) == std::string::npos);

  const std::string env_password = "Sup3r-Secret-In-Env";
  ScopedEnv env("PGPASSWORD", env_password.c_str());
  auto keywords = PgConn::connect("host=127.0.0.1 port=1 user=jobwire dbname=jobwire connect_timeout=5");
  REQUIRE_FALSE(keywords.ok());
  CHECK(keywords.status().code() == Code::unavailable);
  CHECK(keywords.status().message().find(env_password) == std::string::npos);
}

TEST_CASE("describe_conninfo names host, port, database and user, never the password") {
  CHECK(jobwire::describe_conninfo("postgres://ann:hunter2hunter2@db.example:5433/jobs") ==
        "host=db.example port=5433 dbname=jobs user=ann");
  CHECK(jobwire::describe_conninfo("host=db user=ann password=hunter2hunter2") == "host=db user=ann");
  CHECK(jobwire::describe_conninfo("host=db password='unterminated") == "(not a valid connection string)");
  auto bad = PgConn::connect("postgres://ann:hunter2hunter2@db.example:5433/jobs?nonsense=%zz");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::invalid_argument);
  CHECK(bad.status().message().find("hunter2hunter2") == std::string::npos);
}

TEST_CASE("a wrong password is a clear error that does not show it") {
  auto server = pg_test_conninfo();
  if (!server) return;
  TempRole role(*server, "the-right-password");
  const std::string as_role = *server + " user=" + role.name();

  auto wrong = PgConn::connect(as_role + " password=the-wrong-password");
  REQUIRE_FALSE(wrong.ok());
  INFO(wrong.status().message());
  CHECK(wrong.status().message().find("password authentication failed") != std::string::npos);
  CHECK(wrong.status().message().find("the-wrong-password") == std::string::npos);

  {
    ScopedEnv env("PGPASSWORD", "the-wrong-password-from-env");
    auto from_env = PgConn::connect(as_role);
    REQUIRE_FALSE(from_env.ok());
    CHECK(from_env.status().message().find("password authentication failed") != std::string::npos);
    CHECK(from_env.status().message().find("the-wrong-password-from-env") == std::string::npos);
  }

  auto right = PgConn::connect(as_role + " password=the-right-password");
  INFO(right.status().message());
  CHECK(right.ok());
}

TEST_CASE("migrations from four instances at once apply once, and again change nothing") {
  auto server = pg_test_conninfo();
  if (!server) return;
  TempPgDatabase db(*server);

  constexpr int kInstances = 4;
  std::vector<jobwire::Status> results(kInstances);
  std::vector<std::string> epochs(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      auto conn = PgConn::connect(db.conninfo());
      if (!conn.ok()) {
        results[i] = conn.status();
        return;
      }
      results[i] = jobwire::pg_migrate(conn.value());
      auto meta = jobwire::pg_read_meta(conn.value());
      if (meta.ok()) epochs[i] = meta->epoch;
      else if (results[i].ok()) results[i] = meta.status();
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    INFO(result.message());
    CHECK(result.ok());
  }
  REQUIRE(epochs[0].size() == 16);
  CHECK(epochs[0].find_first_not_of("0123456789abcdef") == std::string::npos);
  for (const auto& epoch : epochs) CHECK(epoch == epochs[0]);

  auto conn = pg_connect(db.conninfo());
  auto meta_rows = conn.exec("SELECT key, value FROM meta ORDER BY key");
  REQUIRE(meta_rows.ok());
  REQUIRE(meta_rows->rows() == 3);
  CHECK(meta_rows->text(0, 0) == "epoch");
  CHECK(meta_rows->text(1, 0) == "pruned_through");
  CHECK(meta_rows->text(1, 1) == "0");
  CHECK(meta_rows->text(2, 0) == "schema_version");
  CHECK(meta_rows->int64(2, 1) == jobwire::kPgSchemaVersion);

  require_ok(jobwire::pg_migrate(conn));
  auto again = jobwire::pg_read_meta(conn);
  REQUIRE(again.ok());
  CHECK(again->epoch == epochs[0]);
  CHECK(again->pruned_through == 0);
  // The advisory lock was released: another session can take it at once.
  auto other = pg_connect(db.conninfo());
  auto taken = other.exec("SELECT pg_try_advisory_lock(29958816232206949)");
  REQUIRE(taken.ok());
  CHECK(taken->text(0, 0) == "t");
}

TEST_CASE("a database newer than this build is refused") {
  auto server = pg_test_conninfo();
  if (!server) return;
  TempPgDatabase db(*server);
  auto conn = pg_connect(db.conninfo());
  require_ok(jobwire::pg_migrate(conn));
  pg_exec(conn, "UPDATE meta SET value = '999' WHERE key = 'schema_version'");
  auto refused = jobwire::pg_migrate(conn);
  CHECK(refused.code() == Code::invalid_argument);
  CHECK(refused.message().find("999") != std::string::npos);
}

TEST_CASE("parameters reach the server verbatim: NULL, quotes, SQL-looking text, doubles") {
  auto server = pg_test_conninfo();
  if (!server) return;
  TempPgDatabase db(*server);
  auto conn = pg_connect(db.conninfo());
  require_ok(jobwire::pg_migrate(conn));

  const std::string tricky = "it's \"quoted\"; DROP TABLE events; -- \\ $1 \xc3\xa9";
  const std::string envelope = R"({"seq":1,"type":"job.created","data":{"note":"it's \"x\""}})";
  auto insert = conn.query(
      "INSERT INTO events (seq, type, ts, job, project, tree_path, envelope) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {"1", "job.created", "1764460800123", tricky, "default", "/j1", envelope});
  INFO(insert.status().message());
  REQUIRE(insert.ok());
  CHECK(insert->affected() == 1);

  auto row = conn.query("SELECT seq, ts, job, envelope, envelope::jsonb->>'type' FROM events WHERE job = $1", {tricky});
  REQUIRE(row.ok());
  REQUIRE(row->rows() == 1);
  CHECK(row->int64(0, 0) == 1);
  CHECK(row->int64(0, 1) == 1764460800123);
  CHECK(row->text(0, 2) == tricky);
  CHECK(row->text(0, 3) == envelope);
  CHECK(row->text(0, 4) == "job.created");

  // NULL in and out, through a prepared statement.
  REQUIRE(conn.prepare("remember_key",
                       "INSERT INTO idempotency_keys (key, fingerprint, created_at, job_snapshot, seq, type, ts, job, "
                       "project, tree_path, envelope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
              .ok());
  std::vector<PgParam> params{"k1", "f1", "5", std::nullopt, "1", "job.created", "5", "j1", "default", "/j1", envelope};
  REQUIRE(conn.exec_prepared("remember_key", params).ok());
  auto key = conn.query("SELECT job_snapshot, fingerprint FROM idempotency_keys WHERE key = $1", {"k1"});
  REQUIRE(key.ok());
  CHECK(key->is_null(0, 0));
  CHECK_FALSE(key->optional_text(0, 0).has_value());
  CHECK(key->optional_text(0, 1) == std::optional<std::string>("f1"));

  // The same key again: a unique violation, told apart by its code and SQLSTATE.
  auto duplicate = conn.exec_prepared("remember_key", params);
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().code() == Code::conflict);
  CHECK(conn.last_sqlstate() == "23505");
  CHECK_FALSE(conn.broken());

  auto progress = conn.query("SELECT $1::double precision", {"33.333333333333336"});
  REQUIRE(progress.ok());
  CHECK(progress->real(0, 0) == 33.333333333333336);

  auto syntax = conn.exec("SELEC 1");
  CHECK(syntax.status().code() == Code::internal);
  CHECK(conn.last_sqlstate() == "42601");
}

TEST_CASE("a connection the server ends is unavailable and broken") {
  auto server = pg_test_conninfo();
  if (!server) return;
  auto victim = pg_connect(*server);
  auto pid = victim.exec("SELECT pg_backend_pid()");
  REQUIRE(pid.ok());
  auto admin = pg_connect(*server);
  REQUIRE(admin.query("SELECT pg_terminate_backend($1)", {pid->text(0, 0)}).ok());

  auto after = victim.exec("SELECT 1");
  REQUIRE_FALSE(after.ok());
  INFO(after.status().message());
  CHECK(after.status().code() == Code::unavailable);
  CHECK(victim.broken());
}

TEST_CASE("a NOTIFY on one connection reaches a LISTEN on another through the socket") {
  auto server = pg_test_conninfo();
  if (!server) return;
  auto listener = pg_connect(*server);
  auto notifier = pg_connect(*server);
  const std::string channel = unique_name("jobwire_events_");
  pg_exec(listener, "LISTEN " + channel);
  CHECK_FALSE(listener.next_notification().has_value());

  const std::string payload = "42 it's \"here\"";
  REQUIRE(notifier.query("SELECT pg_notify($1, $2)", {channel, payload}).ok());

  std::optional<jobwire::Notification> got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!got && std::chrono::steady_clock::now() < deadline) {
    auto readable = jobwire::platform::wait_readable(listener.socket(), 100);
    REQUIRE(readable.ok());
    if (!readable.value()) continue;
    REQUIRE(listener.consume_input().ok());
    got = listener.next_notification();
  }
  REQUIRE(got.has_value());
  CHECK(got->channel == channel);
  CHECK(got->payload == payload);
  CHECK_FALSE(listener.next_notification().has_value());
}

TEST_CASE("without libpq, opening names the package to install") {
  auto missing = jobwire::load_libpq("libpq-jobwire-missing.so.5");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::unavailable);
  CHECK(missing.status().message().find("the PostgreSQL store needs libpq (apt-get install libpq5)") == 0);
  CHECK(jobwire::libpq().ok());
}
