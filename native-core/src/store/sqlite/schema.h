// The versioned SQLite schema. Migrations run in order inside one transaction each; the
// version lives in PRAGMA user_version so a newer file refuses to open with an old build.
#pragma once

#include <string>

#include "jobwire/status.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store_meta.h"

namespace jobwire {

inline constexpr int kSchemaVersion = 3;

// Brings the database to kSchemaVersion, creating it (and its epoch) when empty.
Status migrate(SqliteDb& db);

// What the meta table holds (store/store_meta.h).
Result<StoreMeta> read_meta(SqliteDb& db);

}  // namespace jobwire
