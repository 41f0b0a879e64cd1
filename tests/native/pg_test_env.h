// The PostgreSQL server a test_pg_* test runs against. ctest starts one private server per
// run (tests/native/CMakeLists.txt) and passes its key=value connection string, as the
// superuser, in JOBWIRE_TEST_PG; set it by hand to run a test binary against another server.
// Without it a test says it skipped (ctest reports it so), or fails when
// JOBWIRE_PG_REQUIRED=1 (scripts/test.js sets it where PostgreSQL must be tested).
#pragma once

#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "store/pg/pg_conn.h"

namespace jobwire_test {

// The server's connection string, or nullopt after reporting the skip: the caller returns.
inline std::optional<std::string> pg_test_conninfo() {
  const char* conninfo = std::getenv("JOBWIRE_TEST_PG");
  if (conninfo && *conninfo) return std::string(conninfo);
  const char* required = std::getenv("JOBWIRE_PG_REQUIRED");
  if (required && std::string(required) == "1")
    FAIL("JOBWIRE_PG_REQUIRED=1 but JOBWIRE_TEST_PG is not set: is PostgreSQL installed (apt-get install postgresql)?");
  // ctest's SKIP_REGULAR_EXPRESSION for these tests matches this line.
  std::cout << "JOBWIRE_PG_SKIPPED: JOBWIRE_TEST_PG is not set (PostgreSQL is not installed), so this test did not run"
            << std::endl;
  return std::nullopt;
}

inline void require_ok(const jobwire::Status& status) {
  INFO(status.message());
  REQUIRE(status.ok());
}

inline jobwire::PgConn pg_connect(const std::string& conninfo) {
  auto conn = jobwire::PgConn::connect(conninfo);
  INFO(conn.status().message());
  REQUIRE(conn.ok());
  return std::move(conn).value();
}

inline void pg_exec(jobwire::PgConn& conn, const std::string& sql) {
  auto result = conn.exec(sql);
  INFO(sql << ": " << result.status().message());
  REQUIRE(result.ok());
}

// A name no other test (ctest runs them in parallel, on one server) uses: prefix + 12 hex.
inline std::string unique_name(const std::string& prefix) {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  static const char kHex[] = "0123456789abcdef";
  std::string name = prefix;
  for (int i = 0; i < 12; ++i) name += kHex[rng() % 16];
  return name;
}

// An empty database of its own for one test, dropped when the test ends. conninfo() is the
// server's string with dbname replaced (a later key=value wins in libpq).
class TempPgDatabase {
 public:
  explicit TempPgDatabase(const std::string& server) : server_(server), name_(unique_name("jobwire_test_")) {
    auto admin = pg_connect(server_);
    pg_exec(admin, "CREATE DATABASE " + name_);
  }
  ~TempPgDatabase() {
    auto admin = jobwire::PgConn::connect(server_);
    if (admin.ok()) admin->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  TempPgDatabase(const TempPgDatabase&) = delete;
  TempPgDatabase& operator=(const TempPgDatabase&) = delete;

  std::string conninfo() const { return server_ + " dbname=" + name_; }

 private:
  std::string server_;
  std::string name_;
};

}  // namespace jobwire_test
