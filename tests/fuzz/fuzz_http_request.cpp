// libFuzzer: whole HTTP requests (and pipelined runs of them) to a real server over
// loopback: llhttp's parse, the limits, the router, auth, every route with any query and
// body. The seeds (corpus/fuzz_http_request) are valid requests for each route.
#include <cstdint>
#include <string>

#include "fuzz_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jobwire_fuzz::FuzzServer::get().exchange(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
