#include "store/pg/pg_conn.h"

#include <charconv>
#include <cstdlib>

#include "store/pg/libpq_api.h"

namespace jobwire {

namespace {

// libpq prints NOTICEs (e.g. "relation … already exists, skipping") to stderr by default;
// the store reports what matters through its Statuses instead.
void ignore_notice(void*, const char*) {}

// libpq's messages end in a newline and may span lines ("…failed: Connection refused\n\tIs
// the server running…"); a Status is one line.
std::string one_line(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space && out.back() != ' ') out += ' ';
    pending_space = false;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// libpq does not put passwords in its messages; this makes sure of it, whatever the
// message and whichever version wrote it.
std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 8))
      text.replace(at, secret.size(), "********");
  }
  return text;
}

std::string render(const char* host, const char* port, const char* dbname, const char* user) {
  std::string out;
  auto add = [&out](const char* key, const char* value) {
    if (value == nullptr || *value == '\0') return;
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    out += value;
  };
  add("host", host);
  add("port", port);
  add("dbname", dbname);
  add("user", user);
  return out.empty() ? "libpq defaults" : out;
}

struct ParsedConninfo {
  std::string description;
  std::string password;
};

// PQconninfoParse's error text can quote the malformed part of the string, which may be the
// password, so it is not passed on.
Result<ParsedConninfo> parse_conninfo(const LibpqApi& api, const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = api.conninfoParse(conninfo.c_str(), &error);
  if (error) api.freemem(error);
  if (options == nullptr)
    return Status{Code::invalid_argument,
                  "the PostgreSQL connection string is not valid (libpq takes a postgres:// URL or key=value "
                  "pairs)"};
  const char* host = nullptr;
  const char* port = nullptr;
  const char* dbname = nullptr;
  const char* user = nullptr;
  ParsedConninfo parsed;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    std::string_view key = option->keyword;
    if (key == "host") host = option->val;
    else if (key == "port") port = option->val;
    else if (key == "dbname") dbname = option->val;
    else if (key == "user") user = option->val;
    else if (key == "password" && option->val) parsed.password = option->val;
  }
  parsed.description = render(host, port, dbname, user);
  api.conninfoFree(options);
  return parsed;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

Code code_for_sqlstate(std::string_view sqlstate) {
  // Class 08: connection exceptions. 57P01-57P03: the server is shutting down, was
  // crash-restarted, or is not accepting connections yet. 53300: too many connections.
  if (starts_with(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
      sqlstate == "53300")
    return Code::unavailable;
  if (sqlstate == "23505") return Code::conflict;
  return Code::internal;
}

std::string describe_conninfo(const std::string& conninfo) {
  auto api = libpq();
  if (!api.ok()) return "(libpq is not loaded)";
  auto parsed = parse_conninfo(*api.value(), conninfo);
  return parsed.ok() ? parsed->description : "(not a valid connection string)";
}

// ---- PgResult ----

PgResult::~PgResult() {
  if (result_) api_->clear(result_);
}

PgResult::PgResult(PgResult&& other) noexcept : api_(other.api_), result_(std::exchange(other.result_, nullptr)) {}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_) api_->clear(result_);
    api_ = other.api_;
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int PgResult::rows() const { return api_->ntuples(result_); }
int PgResult::fields() const { return api_->nfields(result_); }
bool PgResult::is_null(int row, int field) const { return api_->getisnull(result_, row, field) != 0; }

std::string PgResult::text(int row, int field) const {
  return std::string(api_->getvalue(result_, row, field), static_cast<size_t>(api_->getlength(result_, row, field)));
}

std::optional<std::string> PgResult::optional_text(int row, int field) const {
  if (is_null(row, field)) return std::nullopt;
  return text(row, field);
}

int64_t PgResult::int64(int row, int field) const {
  const char* value = api_->getvalue(result_, row, field);
  int64_t out = 0;
  std::from_chars(value, value + api_->getlength(result_, row, field), out);
  return out;
}

double PgResult::real(int row, int field) const {
  const char* value = api_->getvalue(result_, row, field);
  double out = 0;
  std::from_chars(value, value + api_->getlength(result_, row, field), out);
  return out;
}

int64_t PgResult::affected() const {
  const char* count = api_->cmdTuples(result_);
  return std::strtoll(count, nullptr, 10);
}

// ---- PgConn ----

Result<PgConn> PgConn::connect(const std::string& conninfo) {
  auto loaded = libpq();
  if (!loaded.ok()) return loaded.status();
  const LibpqApi* api = loaded.value();
  auto parsed = parse_conninfo(*api, conninfo);
  if (!parsed.ok()) return parsed.status();

  std::vector<std::string> secrets{parsed->password};
  if (const char* env = std::getenv("PGPASSWORD")) secrets.emplace_back(env);
  pg_conn* conn = api->connectdb(conninfo.c_str());
  if (conn == nullptr) return Status{Code::internal, "cannot connect to PostgreSQL: libpq is out of memory"};
  api->setNoticeProcessor(conn, ignore_notice, nullptr);
  // The password libpq used, wherever it came from (the string, PGPASSWORD, ~/.pgpass).
  if (const char* used = api->pass(conn)) secrets.emplace_back(used);
  // The values in effect (the string completed by PG* variables and defaults), which tell
  // an operator more than the string alone.
  std::string description = render(api->host(conn), api->port(conn), api->db(conn), api->user(conn));
  if (api->status(conn) != CONNECTION_OK) {
    std::string why = scrub(one_line(api->errorMessage(conn)), secrets);
    api->finish(conn);
    return Status{Code::unavailable, "cannot connect to PostgreSQL (" + description + "): " + why};
  }
  return PgConn(api, conn, std::move(secrets), std::move(description));
}

PgConn::PgConn(const LibpqApi* api, pg_conn* conn, std::vector<std::string> secrets, std::string description)
    : api_(api), conn_(conn), secrets_(std::move(secrets)), description_(std::move(description)) {}

PgConn::~PgConn() {
  if (conn_) api_->finish(conn_);
}

PgConn::PgConn(PgConn&& other) noexcept
    : api_(other.api_),
      conn_(std::exchange(other.conn_, nullptr)),
      secrets_(std::move(other.secrets_)),
      description_(std::move(other.description_)),
      sqlstate_(std::move(other.sqlstate_)) {}

PgConn& PgConn::operator=(PgConn&& other) noexcept {
  if (this != &other) {
    if (conn_) api_->finish(conn_);
    api_ = other.api_;
    conn_ = std::exchange(other.conn_, nullptr);
    secrets_ = std::move(other.secrets_);
    description_ = std::move(other.description_);
    sqlstate_ = std::move(other.sqlstate_);
  }
  return *this;
}

bool PgConn::broken() const { return conn_ == nullptr || api_->status(conn_) != CONNECTION_OK; }

Status PgConn::fail(Code code, std::string message) {
  // A lost connection stays lost: whatever the server said last, the caller must reconnect.
  if (broken()) code = Code::unavailable;
  return Status{code, "PostgreSQL (" + description_ + "): " + scrub(std::move(message), secrets_)};
}

Result<PgResult> PgConn::take(pg_result* result, const char* what) {
  sqlstate_.clear();
  if (result == nullptr) return fail(Code::internal, std::string(what) + ": " + one_line(api_->errorMessage(conn_)));
  PgResult owned(api_, result);
  ExecStatusType status = api_->resultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return owned;
  const char* sqlstate = api_->resultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = api_->resultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = api_->resultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  if (sqlstate) sqlstate_ = sqlstate;
  // Errors libpq makes itself (a lost connection) have no primary field, only the message.
  std::string message = std::string(what) + ": " + (primary ? primary : one_line(api_->resultErrorMessage(result)));
  if (detail) message += std::string(" (") + detail + ")";
  if (!sqlstate_.empty()) message += " [SQLSTATE " + sqlstate_ + "]";
  return fail(code_for_sqlstate(sqlstate_), std::move(message));
}

Result<PgResult> PgConn::exec(const std::string& sql) {
  if (conn_ == nullptr) return fail(Code::unavailable, "the connection is closed");
  return take(api_->exec(conn_, sql.c_str()), "exec");
}

namespace {

// Text-format parameters must be NUL-terminated, which a string_view need not be.
struct TextParams {
  explicit TextParams(const std::vector<PgParam>& params) {
    copies.reserve(params.size());
    for (const PgParam& param : params) copies.emplace_back(param ? std::optional<std::string>(*param) : std::nullopt);
    for (const auto& copy : copies) values.push_back(copy ? copy->c_str() : nullptr);
  }
  int count() const { return static_cast<int>(values.size()); }
  std::vector<std::optional<std::string>> copies;
  std::vector<const char*> values;
};

}  // namespace

Result<PgResult> PgConn::query(const std::string& sql, const std::vector<PgParam>& params) {
  if (conn_ == nullptr) return fail(Code::unavailable, "the connection is closed");
  TextParams text(params);
  // No types: the server infers each parameter's from the statement.
  return take(api_->execParams(conn_, sql.c_str(), text.count(), nullptr, text.values.data(), nullptr, nullptr, 0),
              "query");
}

Status PgConn::prepare(const std::string& name, const std::string& sql) {
  if (conn_ == nullptr) return fail(Code::unavailable, "the connection is closed");
  auto result = take(api_->prepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), "prepare");
  return result.status();
}

Result<PgResult> PgConn::exec_prepared(const std::string& name, const std::vector<PgParam>& params) {
  if (conn_ == nullptr) return fail(Code::unavailable, "the connection is closed");
  TextParams text(params);
  return take(api_->execPrepared(conn_, name.c_str(), text.count(), text.values.data(), nullptr, nullptr, 0),
              name.c_str());
}

int PgConn::socket() const { return conn_ ? api_->socket(conn_) : -1; }

Status PgConn::consume_input() {
  if (conn_ == nullptr) return fail(Code::unavailable, "the connection is closed");
  if (api_->consumeInput(conn_) == 0) return fail(Code::internal, "read: " + one_line(api_->errorMessage(conn_)));
  return Status::Ok();
}

std::optional<Notification> PgConn::next_notification() {
  if (conn_ == nullptr) return std::nullopt;
  PGnotify* notify = api_->notifies(conn_);
  if (notify == nullptr) return std::nullopt;
  Notification out{notify->relname, notify->extra ? notify->extra : ""};
  api_->freemem(notify);
  return out;
}

}  // namespace jobwire
