// The loop threads the HTTP suites start their servers with: JOBWIRE_TEST_THREADS, else 1.
// ctest runs those suites once as they are and once more with 2 (tests/native/CMakeLists.txt).
#pragma once

#include <cstddef>
#include <cstdlib>

namespace jobwire_test {

inline size_t server_threads() {
  const char* threads = std::getenv("JOBWIRE_TEST_THREADS");
  return threads && *threads ? static_cast<size_t>(std::strtoul(threads, nullptr, 10)) : 1;
}

}  // namespace jobwire_test
