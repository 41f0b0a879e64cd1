// libpq, loaded at run time. The addon and jobwired must start on machines without libpq5
// (most use SQLite), so nothing links it: the first PostgreSQL store to open loads
// libpq.so.5 and resolves the functions below into one table, shared by the process.
// Building needs only libpq-fe.h (Debian's libpq-dev), for the functions' types.
#pragma once

#include <libpq-fe.h>

#include "jobwire/status.h"

namespace jobwire {

// One member per libpq function jobwire calls, typed from libpq-fe.h itself.
struct LibpqApi {
  decltype(&PQconnectdb) connectdb;
  decltype(&PQfinish) finish;
  decltype(&PQstatus) status;
  decltype(&PQerrorMessage) errorMessage;
  decltype(&PQsetNoticeProcessor) setNoticeProcessor;
  decltype(&PQconninfoParse) conninfoParse;
  decltype(&PQconninfoFree) conninfoFree;
  decltype(&PQhost) host;
  decltype(&PQport) port;
  decltype(&PQdb) db;
  decltype(&PQuser) user;
  decltype(&PQpass) pass;
  decltype(&PQexec) exec;
  decltype(&PQexecParams) execParams;
  decltype(&PQprepare) prepare;
  decltype(&PQexecPrepared) execPrepared;
  decltype(&PQresultStatus) resultStatus;
  decltype(&PQresultErrorField) resultErrorField;
  decltype(&PQresultErrorMessage) resultErrorMessage;
  decltype(&PQclear) clear;
  decltype(&PQntuples) ntuples;
  decltype(&PQnfields) nfields;
  decltype(&PQgetvalue) getvalue;
  decltype(&PQgetlength) getlength;
  decltype(&PQgetisnull) getisnull;
  decltype(&PQcmdTuples) cmdTuples;
  decltype(&PQsocket) socket;
  decltype(&PQconsumeInput) consumeInput;
  decltype(&PQnotifies) notifies;
  decltype(&PQfreemem) freemem;
};

// The process's libpq (libpq.so.5), loaded on the first call. Fails with `unavailable` and
// a message naming the Debian package when it cannot be loaded; each call tries again, so
// installing libpq5 needs no restart.
Result<const LibpqApi*> libpq();

// Loads the table from the library `name` (libpq() passes "libpq.so.5"; tests pass a
// missing one to see the error a machine without libpq gets).
Result<LibpqApi> load_libpq(const char* name);

}  // namespace jobwire
