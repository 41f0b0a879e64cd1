// Bounds every store's reads share.
#pragma once

#include <cstddef>

namespace jobwire {

// How far a filtered log read scans for matches before it hands back what it found.
inline constexpr size_t kFilteredScanRows = 10'000;

}  // namespace jobwire
