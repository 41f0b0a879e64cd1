// The store contract suite runs each of its cases on every store: SQLite, and PostgreSQL
// where the test server runs (tests/native/pg_test_env.h). One suite, parameterised, so the
// two stores are held to the same assertions rather than to two copies of them.
//
//   TEST_CASE("store: …") {
//     ON_EACH_STORE(stores);                      // runs the case once per store
//     auto core = open_core(stores.location("jobs"));
#pragma once

#include <map>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "pg_test_env.h"
#include "temp_store.h"

namespace jobwire_test {

enum class StoreKind { sqlite, postgres };

// Fresh stores of one kind for one test: SQLite files in a temporary folder, or PostgreSQL
// databases on the test server, each made on first use and removed with this object.
class TestStores {
 public:
  explicit TestStores(StoreKind kind) : kind_(kind) {
    if (kind_ == StoreKind::postgres) server_ = pg_test_conninfo();
  }
  ~TestStores() {
    for (auto& [name, database] : databases_) {
      auto admin = jobwire::PgConn::connect(*server_);
      if (admin.ok()) admin->exec("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }
  TestStores(const TestStores&) = delete;
  TestStores& operator=(const TestStores&) = delete;

  // PostgreSQL was asked for and there is no server (pg_test_conninfo reported the skip).
  bool skipped() const { return kind_ == StoreKind::postgres && !server_; }
  StoreKind kind() const { return kind_; }
  const char* name() const { return kind_ == StoreKind::sqlite ? "sqlite" : "postgres"; }

  // The store called `name` in this test: what CoreOptions::store takes.
  std::string location(const std::string& name = "jobs") {
    if (kind_ == StoreKind::sqlite) return dir_.file(name + ".db");
    auto found = databases_.find(name);
    if (found == databases_.end()) {
      std::string database = unique_name("jobwire_test_");
      auto admin = pg_connect(*server_);
      pg_exec(admin, "CREATE DATABASE " + database);
      found = databases_.emplace(name, database).first;
    }
    return url_of(found->second);
  }

 private:
  // The server's key=value string as a postgres:// URL (what names a PostgreSQL store).
  std::string url_of(const std::string& database) const {
    std::map<std::string, std::string> keys;
    std::istringstream words(*server_);
    for (std::string word; words >> word;)
      if (size_t eq = word.find('='); eq != std::string::npos) keys[word.substr(0, eq)] = word.substr(eq + 1);
    std::string url = "postgresql:///" + database + "?";
    for (const char* key : {"host", "port", "user"})
      if (keys.count(key)) url += std::string(key) + "=" + keys[key] + "&";
    url.pop_back();
    return url;
  }

  StoreKind kind_;
  TempDir dir_;
  std::optional<std::string> server_;
  std::map<std::string, std::string> databases_;
};

}  // namespace jobwire_test

// Runs the rest of the test case once on each store; a store the machine lacks is skipped
// with a message (and fails where JOBWIRE_PG_REQUIRED=1).
#define ON_EACH_STORE(stores)                                                                          \
  const auto stores##_kind = GENERATE(values({::jobwire_test::StoreKind::sqlite,                      \
                                              ::jobwire_test::StoreKind::postgres}));                 \
  ::jobwire_test::TestStores stores(stores##_kind);                                                    \
  if (stores.skipped()) return;                                                                        \
  INFO("store: " << stores.name())
