#include "core/write_keys.h"

#include <zlib.h>

namespace jobwire {

// CRC-32 and length of the canonical text. It only has to tell a retry from a different
// request sent with the same key by mistake (one chance in 2^32 to miss that), not to resist
// an adversary: the key itself is the caller's.
std::string request_fingerprint(const json& request) {
  const std::string text = dump_json(request);
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size()));
  return std::to_string(crc) + ":" + std::to_string(text.size());
}

}  // namespace jobwire
