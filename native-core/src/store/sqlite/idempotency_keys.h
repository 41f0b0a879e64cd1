// The idempotency keys of writes (WriteOptions::idempotency_key), kept in the store's own
// database so that a key and the write it names commit in one transaction: a process killed
// between the commit and the answer cannot lose the key, and a retry finds it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "jobwire/write.h"
#include "store/sqlite/sqlite_db.h"
#include "store/write_key.h"

namespace jobwire {

class IdempotencyKeys {
 public:
  Status prepare(sqlite3* db, KeyRetention retention);

  // The Committed stored with `key` (replayed), nullopt when the key is unknown or past
  // keep_ms, or `conflict` when it was first used with another request. Errors of the
  // database come back as io_error; only they break the transaction.
  Result<std::optional<Committed>> find(const WriteKey& key, int64_t now);
  // Stores what the key's first write committed, and forgets up to two keys past retention,
  // so keeping the bound costs each keyed write a constant.
  Status remember(const WriteKey& key, const Committed& committed, int64_t now);

 private:
  KeyRetention retention_;
  Statement select_, insert_, forget_beyond_count_, forget_older_than_;
};

}  // namespace jobwire
