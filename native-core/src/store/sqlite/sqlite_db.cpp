#include "store/sqlite/sqlite_db.h"

#include <utility>

#include "platform/platform.h"

namespace jobwire {

// Conditions that pass (another process's lock, a full disk) are `unavailable` (503: retry
// later), with a message that says which; anything else is io_error.
static Status sqlite_status(sqlite3* db, int rc, const char* what) {
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;  // extended result codes are on
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return {Code::unavailable, std::string(what) + ": the database is locked by another connection (" + detail + ")"};
  if (primary == SQLITE_FULL) return {Code::unavailable, std::string(what) + ": disk full (" + detail + ")"};
  if (rc == SQLITE_IOERR_WRITE && db) {
    const char* file = sqlite3_db_filename(db, "main");
    if (file && *file) {
      std::string reason = platform::file_size_limit_reached({file, std::string(file) + "-wal"});
      if (!reason.empty()) return {Code::unavailable, std::string(what) + ": disk full: " + reason};
    }
  }
  return {Code::io_error, std::string(what) + ": " + detail};
}

Statement::Statement(sqlite3* db, const char* sql) {
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    status_ = sqlite_status(db, rc, "prepare");
    stmt_ = nullptr;
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), status_(std::move(other.status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    status_ = std::move(other.status_);
  }
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // The statement runs before the caller's string goes away, so no copy is needed.
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = sqlite_status(sqlite3_db_handle(stmt_), rc, "step");
  return false;
}

Status Statement::run() {
  while (step()) {
  }
  Status result = status_;
  reset();
  return result;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  status_ = Status::Ok();
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return data ? std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

Status SqliteDb::open(const std::string& path, bool read_only) {
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db_, rc, ("open " + path).c_str());
  sqlite3_extended_result_codes(db_, 1);
  // Readers and the writer share the file; a short busy wait covers checkpoints.
  sqlite3_busy_timeout(db_, 5000);
  return Status::Ok();
}

Status SqliteDb::exec(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  Status s{Code::io_error, std::string("exec: ") + (error ? error : sqlite3_errstr(rc))};
  sqlite3_free(error);
  return s;
}

Status SqliteDb::last_error(const char* what) const {
  return {Code::io_error, std::string(what) + ": " + sqlite3_errmsg(db_)};
}

}  // namespace jobwire
