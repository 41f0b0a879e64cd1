// The Sec-WebSocket-Accept value of RFC 6455 §4.2.2: base64(SHA-1(key + GUID)).
#pragma once

#include <string>
#include <string_view>

namespace jobwire::http {

std::string websocket_accept(std::string_view key);

}  // namespace jobwire::http
