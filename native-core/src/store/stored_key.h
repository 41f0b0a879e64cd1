// What a stored idempotency key answers a new write with the same key: the rule, once for
// every store (each reads its own row).
#pragma once

#include <optional>
#include <string>

#include "jobwire/write.h"
#include "store/write_key.h"

namespace jobwire {

// A key's row as a store keeps it.
struct StoredKey {
  std::string fingerprint;
  int64_t created_at = 0;
  std::optional<std::string> job_snapshot;  // job_to_json at the commit's time
  EventPtr event;
};

// The stored Committed (replayed) for the same request, nullopt when the key is past
// keep_ms (it is forgotten), or `conflict` when it was first used with another request.
Result<std::optional<Committed>> answer_from_stored_key(const WriteKey& key, StoredKey stored, int64_t now,
                                                        int64_t keep_ms);

// The snapshot of a write's job to store with its key, rendered as every transport renders
// a write's answer (at the commit's time).
std::optional<std::string> job_snapshot_of(const Committed& committed);

}  // namespace jobwire
