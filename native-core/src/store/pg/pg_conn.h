// One PostgreSQL connection (libpq, loaded at run time: store/pg/libpq_api.h) with the
// calls the PostgreSQL store makes: plain SQL, parameterised and prepared statements, and
// LISTEN/NOTIFY. A connection is used by one thread at a time, as libpq requires.
//
// Failures are Statuses: `unavailable` when the server cannot be reached or the connection
// is lost or refused for now (SQLSTATE class 08, 57P01-57P03, 53300: worth a reconnect),
// `conflict` for a unique violation (23505), `internal` for any other server error. The
// server's SQLSTATE of the last call is kept in last_sqlstate(), for callers that must tell
// errors apart more finely. No message ever holds the connection's password.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobwire/status.h"

// libpq's own types, declared as libpq-fe.h declares them, so users of this header need
// neither libpq-fe.h nor its include path.
struct pg_conn;
struct pg_result;

namespace jobwire {

struct LibpqApi;

// A statement parameter in text form; std::nullopt is SQL NULL.
using PgParam = std::optional<std::string_view>;

// A query's rows, in text form (libpq's default), freed with the object.
class PgResult {
 public:
  PgResult(const LibpqApi* api, pg_result* result) : api_(api), result_(result) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  int fields() const;
  bool is_null(int row, int field) const;
  // The value as the server rendered it, byte for byte ("" for NULL).
  std::string text(int row, int field) const;
  std::optional<std::string> optional_text(int row, int field) const;
  // A bigint/integer column (0 for NULL); a double precision column (exact: PostgreSQL
  // renders doubles in their shortest round-tripping form).
  int64_t int64(int row, int field) const;
  double real(int row, int field) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t affected() const;

 private:
  const LibpqApi* api_ = nullptr;
  pg_result* result_ = nullptr;
};

struct Notification {
  std::string channel;
  std::string payload;
};

class PgConn {
 public:
  // Any connection string libpq takes: a postgres:// or postgresql:// URL or key=value
  // pairs, completed by the PG* environment variables and ~/.pgpass (or PGPASSFILE).
  static Result<PgConn> connect(const std::string& conninfo);

  ~PgConn();
  PgConn(PgConn&& other) noexcept;
  PgConn& operator=(PgConn&& other) noexcept;
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // One or more SQL statements without parameters (DDL, BEGIN, COMMIT, LISTEN …); the
  // result of the last.
  Result<PgResult> exec(const std::string& sql);
  // One statement with $1, $2, … bound to `params`: values never pass through SQL text.
  Result<PgResult> query(const std::string& sql, const std::vector<PgParam>& params);
  // A statement parsed once under `name` on this connection, then run with exec_prepared.
  Status prepare(const std::string& name, const std::string& sql);
  Result<PgResult> exec_prepared(const std::string& name, const std::vector<PgParam>& params);

  // The SQLSTATE the server gave the last failed call ("" after a success, or when the
  // failure was the client's or the network's).
  const std::string& last_sqlstate() const noexcept { return sqlstate_; }
  // The connection is lost; every further call fails with `unavailable`.
  bool broken() const;

  // LISTEN/NOTIFY: after `LISTEN channel` (exec), wait until socket() is readable
  // (platform::wait_readable), then consume_input() and take next_notification() until
  // it returns nothing.
  int socket() const;
  Status consume_input();
  std::optional<Notification> next_notification();

  // "host=… port=… dbname=… user=…" of this connection, for logs and errors.
  const std::string& description() const noexcept { return description_; }

 private:
  PgConn(const LibpqApi* api, pg_conn* conn, std::vector<std::string> secrets, std::string description);
  Result<PgResult> take(pg_result* result, const char* what);
  Status fail(Code code, std::string message);

  const LibpqApi* api_ = nullptr;
  pg_conn* conn_ = nullptr;
  std::vector<std::string> secrets_;  // passwords to scrub from every message
  std::string description_;
  std::string sqlstate_;
};

// The connection string's host, port, dbname and user, as "host=db port=5432 …", never its
// password; the keys it does not set are left out. For logs: safe to print.
std::string describe_conninfo(const std::string& conninfo);

// Which Code a SQLSTATE maps to (see the top of this file).
Code code_for_sqlstate(std::string_view sqlstate);

}  // namespace jobwire
