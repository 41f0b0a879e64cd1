// The versioned PostgreSQL schema: the SQLite store's tables (store/sqlite/schema.cpp), the same
// columns with the same meanings, so both stores answer alike and an operator can read
// either with plain SQL. Several jobwired instances may start against one database at once;
// migrations run under an advisory lock, so each step is applied exactly once.
#pragma once

#include "store/pg/pg_conn.h"
#include "store/store_meta.h"

namespace jobwire {

inline constexpr int kPgSchemaVersion = 1;

// Brings the database to kPgSchemaVersion, creating the tables (and the store's epoch) when
// there are none. Fails with invalid_argument when the database is newer than this build.
Status pg_migrate(PgConn& conn);

// The epoch and retention mark, as read_meta gives them for SQLite.
Result<StoreMeta> pg_read_meta(PgConn& conn);

}  // namespace jobwire
