// What a connection serves besides plain request/response: a long-poll waiting for events,
// an SSE stream or a WebSocket. A session lives on the loop thread and is owned by its
// connection; it writes through Connection::send and ends with Connection::close.
#pragma once

#include <cstddef>

namespace jobwire::http {

enum class Transport { http, long_poll, sse, websocket };
inline constexpr size_t kTransportCount = 4;
const char* transport_name(Transport transport) noexcept;

class Session {
 public:
  virtual ~Session() = default;
  virtual Transport transport() const = 0;
  // True when the session owns the socket for good (SSE, WebSocket): no more HTTP parsing.
  virtual bool takes_over() const = 0;
  // Bytes that arrived on a taken-over socket.
  virtual void on_data(const char* data, size_t length) = 0;
  // The subscription behind the session has events to take.
  virtual void on_ready() = 0;
  // Called on every heartbeat tick (ServerOptions::heartbeat_ms).
  virtual void on_heartbeat() = 0;
  // The server is stopping: say goodbye and close the connection.
  virtual void on_shutdown() = 0;
  // The socket has taken nothing for a while: stop queueing events (a stream sheds its
  // subscriber queue and catches up from the log, with a gap, once the socket drains).
  virtual void on_stalled() {}
  // The client is dropped for not reading; what was unsent is gone. A stream's last word
  // (SSE: `gap`), written only if the socket takes it before the connection closes.
  virtual void on_stall_close() {}
};

}  // namespace jobwire::http
