// A thin RAII layer over the SQLite C API: one connection, prepared statements only.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "jobwire/status.h"

namespace jobwire {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, const char* sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const noexcept { return stmt_ != nullptr; }
  // Binds by 1-based index. Text is copied (SQLITE_TRANSIENT) only when asked for.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind_null(int index);

  // SQLITE_ROW → true, SQLITE_DONE → false; anything else is kept in status().
  bool step();
  // Steps to completion; returns the failure if any.
  Status run();
  void reset();

  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  bool is_null(int column) const;

  const Status& status() const noexcept { return status_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Status open(const std::string& path, bool read_only);
  Status exec(const char* sql);
  sqlite3* handle() const noexcept { return db_; }
  Status last_error(const char* what) const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace jobwire
