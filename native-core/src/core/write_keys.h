// A write's idempotency key, checked, with the fingerprint of the request it came with.
// The fingerprint is taken from the request as the core received it (operation and
// arguments), not from transport bytes, so the HTTP API and the addon agree on what "the
// same request" is, whichever of them retries.
#pragma once

#include <optional>

#include "jobwire/write.h"
#include "model/json_util.h"
#include "model/validation.h"
#include "store/write_key.h"

namespace jobwire {

// The fingerprint of a request in its canonical form (an array: operation, arguments).
std::string request_fingerprint(const json& request);

// The WriteKey of a write, or nullopt when it carries no key. `describe` builds the
// request's canonical form; it runs only when there is a key, so unkeyed writes pay nothing.
template <class Describe>
Result<std::optional<WriteKey>> write_key(const WriteOptions& options, Describe&& describe) {
  if (!options.idempotency_key) return std::optional<WriteKey>();
  if (Status s = check_idempotency_key(*options.idempotency_key); !s.ok()) return s;
  return std::optional<WriteKey>(WriteKey{*options.idempotency_key, request_fingerprint(describe())});
}

}  // namespace jobwire
