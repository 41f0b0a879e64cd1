// An idempotency key as the store keeps it (WriteOptions::idempotency_key).
#pragma once

#include <cstdint>
#include <string>

namespace jobwire {

// A key and the fingerprint of the request it came with (core/write_keys.h makes both).
struct WriteKey {
  std::string key;
  std::string fingerprint;
};

struct KeyRetention {
  int64_t keep_ms = 0;     // a key older than this is forgotten
  int64_t keep_count = 0;  // only the newest this many are kept
};

// Each keyed write forgets at most this many old keys: more than the one it adds, so the
// table shrinks back to its bound after the bound is lowered, at a constant cost per write.
inline constexpr int64_t kKeysForgottenPerWrite = 2;

}  // namespace jobwire
