#include "store/pg/libpq_api.h"

#include <mutex>
#include <optional>
#include <string>

#include "platform/platform.h"

namespace jobwire {

namespace {

constexpr const char* kInstallHint = "the PostgreSQL store needs libpq (apt-get install libpq5)";

// Resolves `symbol` into `slot`; false when the library lacks it (too old a libpq).
template <class Fn>
bool resolve(void* library, const char* symbol, Fn& slot) {
  slot = reinterpret_cast<Fn>(platform::library_symbol(library, symbol));
  return slot != nullptr;
}

}  // namespace

Result<LibpqApi> load_libpq(const char* name) {
  auto library = platform::load_library(name);
  if (!library.ok()) return Status{Code::unavailable, std::string(kInstallHint) + ": " + library.status().message()};
  void* lib = library.value();
  LibpqApi api{};
  const char* missing = nullptr;
#define JOBWIRE_RESOLVE(member, symbol) \
  if (!missing && !resolve(lib, symbol, api.member)) missing = symbol;
  JOBWIRE_RESOLVE(connectdb, "PQconnectdb")
  JOBWIRE_RESOLVE(finish, "PQfinish")
  JOBWIRE_RESOLVE(status, "PQstatus")
  JOBWIRE_RESOLVE(errorMessage, "PQerrorMessage")
  JOBWIRE_RESOLVE(setNoticeProcessor, "PQsetNoticeProcessor")
  JOBWIRE_RESOLVE(conninfoParse, "PQconninfoParse")
  JOBWIRE_RESOLVE(conninfoFree, "PQconninfoFree")
  JOBWIRE_RESOLVE(host, "PQhost")
  JOBWIRE_RESOLVE(port, "PQport")
  JOBWIRE_RESOLVE(db, "PQdb")
  JOBWIRE_RESOLVE(user, "PQuser")
  JOBWIRE_RESOLVE(pass, "PQpass")
  JOBWIRE_RESOLVE(exec, "PQexec")
  JOBWIRE_RESOLVE(execParams, "PQexecParams")
  JOBWIRE_RESOLVE(prepare, "PQprepare")
  JOBWIRE_RESOLVE(execPrepared, "PQexecPrepared")
  JOBWIRE_RESOLVE(resultStatus, "PQresultStatus")
  JOBWIRE_RESOLVE(resultErrorField, "PQresultErrorField")
  JOBWIRE_RESOLVE(resultErrorMessage, "PQresultErrorMessage")
  JOBWIRE_RESOLVE(clear, "PQclear")
  JOBWIRE_RESOLVE(ntuples, "PQntuples")
  JOBWIRE_RESOLVE(nfields, "PQnfields")
  JOBWIRE_RESOLVE(getvalue, "PQgetvalue")
  JOBWIRE_RESOLVE(getlength, "PQgetlength")
  JOBWIRE_RESOLVE(getisnull, "PQgetisnull")
  JOBWIRE_RESOLVE(cmdTuples, "PQcmdTuples")
  JOBWIRE_RESOLVE(socket, "PQsocket")
  JOBWIRE_RESOLVE(consumeInput, "PQconsumeInput")
  JOBWIRE_RESOLVE(notifies, "PQnotifies")
  JOBWIRE_RESOLVE(freemem, "PQfreemem")
#undef JOBWIRE_RESOLVE
  if (missing) return Status{Code::unavailable, std::string(kInstallHint) + ": " + name + " has no " + missing};
  return api;
}

Result<const LibpqApi*> libpq() {
  // Loaded once; a failure is not cached, so a later open retries.
  static std::mutex mutex;
  static std::optional<LibpqApi> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (!loaded) {
    auto api = load_libpq("libpq.so.5");
    if (!api.ok()) return api.status();
    loaded = api.value();
  }
  return &*loaded;
}

}  // namespace jobwire
