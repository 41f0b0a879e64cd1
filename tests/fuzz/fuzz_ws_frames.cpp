// libFuzzer: WebSocket frames. Each input is sent as the frames that follow a valid upgrade
// on /ws: masked or not, fragmented, control frames, resume messages, close codes, lengths
// that lie. The server must answer with frames or close, never hang or crash.
#include <cstdint>
#include <string>

#include "fuzz_server.h"

namespace {

const std::string kUpgrade =
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jobwire_fuzz::FuzzServer::get().exchange(kUpgrade + std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
