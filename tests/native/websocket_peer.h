// The client side of a WebSocket conversation for the tests, with wslay doing the framing
// both ways: frames a client sends (masked), and a check of what a server sent back.
#pragma once

#include <wslay/wslay.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace jobwire_test {

struct ClientFrame {
  uint8_t opcode;  // WSLAY_TEXT_FRAME, WSLAY_BINARY_FRAME, WSLAY_PING, WSLAY_CONNECTION_CLOSE
  std::string payload;
};

// What a server sent: its messages, and whether its frames were well-formed.
struct ServerFrames {
  std::vector<std::string> texts;
  bool malformed = false;  // the client had to fail the connection (1002, 1007)
};

namespace websocket_peer_detail {

struct Io {
  std::string out;        // bytes the client context wrote
  const std::string* in;  // bytes to feed it
  size_t read = 0;
  ServerFrames frames;
};

inline const wslay_event_callbacks& callbacks() {
  static const wslay_event_callbacks value = [] {
    wslay_event_callbacks c{};
    c.recv_callback = [](wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) -> ssize_t {
      auto* io = static_cast<Io*>(user);
      size_t n = std::min(len, io->in ? io->in->size() - io->read : 0);
      if (n == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
      }
      std::copy_n(io->in->data() + io->read, n, buf);
      io->read += n;
      return static_cast<ssize_t>(n);
    };
    c.send_callback = [](wslay_event_context_ptr, const uint8_t* data, size_t len, int, void* user) -> ssize_t {
      static_cast<Io*>(user)->out.append(reinterpret_cast<const char*>(data), len);
      return static_cast<ssize_t>(len);
    };
    c.genmask_callback = [](wslay_event_context_ptr, uint8_t* mask, size_t len, void*) -> int {
      for (size_t i = 0; i < len; ++i) mask[i] = static_cast<uint8_t>(0x3c + 7 * i);
      return 0;
    };
    c.on_msg_recv_callback = [](wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
      if (arg->opcode == WSLAY_TEXT_FRAME)
        static_cast<Io*>(user)->frames.texts.emplace_back(reinterpret_cast<const char*>(arg->msg), arg->msg_length);
    };
    return c;
  }();
  return value;
}

}  // namespace websocket_peer_detail

// The bytes a client sends for `frames`, framed and masked by wslay.
inline std::string websocket_client_bytes(const std::vector<ClientFrame>& frames) {
  websocket_peer_detail::Io io{};
  wslay_event_context_ptr ctx = nullptr;
  REQUIRE(wslay_event_context_client_init(&ctx, &websocket_peer_detail::callbacks(), &io) == 0);
  for (const ClientFrame& frame : frames) {
    if (frame.opcode == WSLAY_CONNECTION_CLOSE) {
      REQUIRE(wslay_event_queue_close(ctx, WSLAY_CODE_NORMAL_CLOSURE, reinterpret_cast<const uint8_t*>(frame.payload.data()),
                                      frame.payload.size()) == 0);
      continue;
    }
    wslay_event_msg message{frame.opcode, reinterpret_cast<const uint8_t*>(frame.payload.data()), frame.payload.size()};
    REQUIRE(wslay_event_queue_msg(ctx, &message) == 0);
  }
  REQUIRE(wslay_event_send(ctx) == 0);
  wslay_event_context_free(ctx);
  return io.out;
}

// Reads what a server sent after its 101 as a client would.
inline ServerFrames read_server_frames(const std::string& bytes) {
  websocket_peer_detail::Io io{};
  io.in = &bytes;
  wslay_event_context_ptr ctx = nullptr;
  REQUIRE(wslay_event_context_client_init(&ctx, &websocket_peer_detail::callbacks(), &io) == 0);
  wslay_event_recv(ctx);
  wslay_event_send(ctx);  // a close the client owes goes out, so its status code is known
  uint16_t sent = wslay_event_get_status_code_sent(ctx);
  // A client echoes a server's close; a code of its own means the server's frames were bad.
  io.frames.malformed = wslay_event_get_close_sent(ctx) && sent != wslay_event_get_status_code_received(ctx) &&
                        (sent == WSLAY_CODE_PROTOCOL_ERROR || sent == WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA);
  wslay_event_context_free(ctx);
  return io.frames;
}

}  // namespace jobwire_test
