// One client socket on the loop thread: reads and parses HTTP/1.1 with llhttp, hands each
// whole request to the router, writes responses in order (keep-alive, pipelining), and may
// be taken over by a session (long-poll, SSE, WebSocket).
//
// Two files, split by responsibility: connection_request.cpp is the HTTP/1.1 side (bytes
// in, llhttp callbacks, limits, dispatch in order, framing the answer); connection.cpp is
// the socket side (the lifecycle below, reads, buffered writes and their bounds, closing,
// timeouts).
//
// Backpressure: everything written is queued until the socket takes it, as references to
// shared frames (OutputQueue), with one write handed to libuv at a time. Every send()
// answers where the buffer stands, as uWebSockets' send does (SendResult): a stream takes
// events until a send answers `buffered` (past a low watermark: a quarter of
// ServerOptions::max_write_buffer_bytes, or kMaxHeldChunks references), then waits for the
// drain. A client whose queue passes the bound is dropped. A stream that has waited a
// quarter of ServerOptions::stall_timeout_ms for its socket to drain sheds its subscriber
// queue (it catches up from the log, after a gap, once drained); one whose socket takes no
// byte for the whole stall timeout has its unsent frames dropped, is told `gap` if the
// socket takes it, and is closed.
// Either way it resumes from its cursor when it reconnects. While a request is being
// answered, the next one waits unparsed (and reading stops past a bound), so a client cannot
// queue unbounded work.
#pragma once

#include <llhttp.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/output_queue.h"
#include "http/session.h"
#include "jobwire/status.h"

namespace jobwire::http {

class ServerLoop;

// What a send did, as uWebSockets' send answers SUCCESS / BACKPRESSURE / DROPPED. Ordered
// from best to worst, so std::max of several answers is the answer for all of them.
enum class SendResult : uint8_t {
  sent,      // queued; the buffer is under the low watermark: go on producing
  buffered,  // queued; the buffer is over the low watermark: stop producing until the drain
  dropped,   // never to be written: the connection is closing, or passed the hard cap and was dropped
};

class Connection {
 public:
  // The connection's lifecycle. Every change goes through move_to(), which asserts that it
  // is an edge of this diagram (may_move()):
  //
  //      accept
  //        │
  //        ▼   a request's            its last
  //  ┌──► idle ── first byte ──► receiving ── byte ──► dispatching ── begin_stream() ──┐
  //  │                                                   │     │                       │
  //  │                                 defer(), attach() │     │ respond(),            ▼
  //  │                                                   ▼     │ keep-alive        streaming ◄────┐
  //  ├────────────────── respond(), keep-alive ──── deferred   │                     │ flush    │
  //  └─────────────────────────────────────────────────────────┘                     │ said     │
  //                                                                                  ▼ buffered │
  //                                                                       stream_waiting ──────┤
  //                                                                     waited   │   drained   │
  //                                                                     stall/4  ▼             │
  //                                                                        stream_shed ────────┘
  //
  //  deferred ── attach() ──► deferred (an off-loop read that found nothing parks a long-poll)
  //  idle … stream_shed ── close(), or an answer without keep-alive ──► closing ── drained ──► closed
  //  idle, receiving ── fail() ──► refusing ── drained ──► lingering ── the peer's FIN ──► closed
  //                                  (straight to closed if the     or 2 s
  //                                   peer has closed already)
  //  any state ── abort() ──► closed
  //
  // A refused request lingers (FIN sent, input discarded) so that a client still sending
  // the rest of it reads the answer rather than a reset.
  enum class State : uint8_t {
    idle,            // no request under way: just accepted, or between keep-alive requests
    receiving,       // a request's bytes are arriving; the request timeout runs
    dispatching,     // a whole request is in its handler's hands (the parse loop is below us)
    deferred,        // the handler answers later (a write, an off-loop read, a long-poll)
    streaming,       // a session owns the socket (SSE, WebSocket)
    stream_waiting,  // ... and waits for the socket to drain before it takes more events
    stream_shed,     // ... and waited so long that it shed its subscriber queue
    closing,         // closes once everything buffered is written
    refusing,        // as closing, then lingers
    lingering,       // FIN sent; reading and discarding until the peer's FIN
    closed,          // uv_close was called; the server frees us in on_closed
  };

  Connection(ServerLoop& server, uint64_t id);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Accepts a pending connection from `listener` and starts reading.
  int accept(uv_stream_t* listener);
  // Opens `socket`, accepted on another loop, and starts reading. On failure the socket is
  // still the caller's to close.
  int open(uv_os_sock_t socket);
  uint64_t id() const noexcept { return id_; }
  Transport transport() const noexcept;

  // --- answering the current request (connection_request.cpp) ---
  const Request& request() const noexcept { return request_; }
  // Finishes the current request with `response` (CORS, gzip and keep-alive applied):
  // dispatching or deferred → idle, or closing without keep-alive. Ignored once closing
  // (the client went away while the answer was prepared).
  void respond(Response response);
  // The handler answers later (from a mailbox task), never from within its own call;
  // parsing waits until then. dispatching → deferred.
  void defer() noexcept;
  // Attaches a long-poll session, which answers with respond() later (also from a deferred
  // answer that found nothing yet). dispatching, deferred → deferred.
  void attach(std::unique_ptr<Session> session);
  // Answers the current request by turning the socket into a stream: writes `head` (the
  // status line and headers) and hands the socket to `session` (SSE, WebSocket) for good,
  // which writes raw bytes with send(). dispatching → streaming.
  void begin_stream(int status, std::string_view head, std::unique_ptr<Session> session);
  // Answers with an error and closes (over the connection cap). idle → refusing.
  void refuse(Code code, std::string_view message);
  // Frees a long-poll session that has answered (call once its own call has returned).
  void release_retired() noexcept;

  // --- raw output, for sessions and the status line of a takeover (connection.cpp) ---
  // Queues `bytes` (a copy) or a reference to a shared frame, and answers where the buffer
  // stands. Past the hard cap the client is dropped unless the socket takes enough at once.
  SendResult send(std::string_view bytes);
  SendResult send(SharedBytes frame);
  // Hands what is queued to the socket; answers where the buffer stands then, as send()
  // does (`dropped` once closing, though what is queued is still written).
  SendResult flush();
  size_t buffered_bytes() const noexcept { return out_.bytes() + in_flight_bytes_; }
  size_t held_chunks() const noexcept { return out_.chunks() + in_flight_chunks_; }
  // Bytes ever queued by send(): what serving a stream cost, for the scheduler's budget.
  uint64_t queued_total() const noexcept { return queued_total_; }
  // References a stream may hold before it waits for the socket: enough to keep a socket
  // busy, few enough that a stalled stream costs a few KiB.
  static constexpr size_t kMaxHeldChunks = 32;
  // A stream whose flush answered `buffered` with events still to take: holds its wakeups
  // and calls on_ready() once the buffer has drained under the low watermark.
  // streaming → stream_waiting.
  void wait_for_drain() noexcept;
  // Closes once everything buffered is written.
  void close();
  // Closes now, dropping what is buffered.
  void abort();
  // True from close() (or abort(), or a refusal) on: nothing more is sent.
  bool closing() const noexcept { return state_ >= State::closing; }

  // --- driven by the server ---
  // The session's subscription has events (or the socket drained). Passed on, except to a stream
  // while its buffer is past the low watermark: that one waits for the drain.
  void on_ready();
  void on_heartbeat();
  void on_shutdown();
  // Enforces the request and idle timeouts; `now` is the loop time in ms.
  void check_timeouts(uint64_t now);

 private:
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_closed(uv_handle_t* handle);

  // llhttp callbacks (connection_request.cpp)
  static int on_message_begin(llhttp_t* parser);
  // Adds to the request line and headers' size; false (and 431 to come) past the limit.
  bool count_header_bytes(size_t length);
  static int on_url(llhttp_t* parser, const char* at, size_t length);
  static int on_header_field(llhttp_t* parser, const char* at, size_t length);
  static int on_header_field_complete(llhttp_t* parser);
  static int on_header_value(llhttp_t* parser, const char* at, size_t length);
  static int on_headers_complete(llhttp_t* parser);
  static int on_body(llhttp_t* parser, const char* at, size_t length);
  static int on_message_complete(llhttp_t* parser);
  static const llhttp_settings_t& parser_settings();

  // The HTTP/1.1 side (connection_request.cpp).
  void receive(const char* data, size_t length);
  void parse(const char* data, size_t length);
  void parse_buffered();
  void hold_input(const char* data, size_t length);
  void dispatch();
  // Refuses the request under way (or the connection) with an error: idle, receiving → refusing.
  void fail(Code code, std::string_view message);
  // Writes the status line, headers and body of `response` to the buffer and flushes.
  void write_response(Response& response);
  void finish_request();
  std::string serialize(Response& response) const;

  // The socket side (connection.cpp).
  static bool may_move(State from, State to) noexcept;
  void move_to(State to) noexcept;
  bool streaming() const noexcept {
    return state_ == State::streaming || state_ == State::stream_waiting || state_ == State::stream_shed;
  }
  // Past the low watermark: producers should wait for the drain.
  bool over_low_watermark() const noexcept;
  SendResult send_result() const noexcept;
  // The socket is open: reading starts, and the request timeout.
  void begin();
  void start_reading();
  void stop_reading();
  // Moves to `how` (closing or refusing) and finishes once the buffer is written.
  void begin_closing(State how);
  void close_handle();
  void finish_close();
  void linger();
  void drop_slow_client();
  // Write progress since the last check (libuv's write queue shrank), for the stall clock.
  void note_partial_progress(uint64_t now);
  // The client stopped reading for the stall timeout: drop what is unsent, let the session
  // say `gap` behind the write in flight, and close (aborting if that write never ends).
  void drop_stalled_stream(uint64_t now);

  ServerLoop& server_;
  const uint64_t id_;
  State state_ = State::idle;
  uv_tcp_t tcp_{};
  llhttp_t parser_{};
  Request request_;
  // The parser is between a header's name and its value: llhttp's position inside one
  // request, not the connection's lifecycle.
  bool reading_value_ = false;
  size_t header_bytes_ = 0;
  std::optional<Code> limit_hit_;  // a limit refused the request being parsed
  std::string pending_input_; // bytes read but not yet parsed (while an answer is pending)
  std::unique_ptr<Session> session_;
  std::unique_ptr<Session> retired_session_;  // answered, freed once its call returns
  OutputQueue out_;            // bytes not yet handed to libuv
  size_t in_flight_bytes_ = 0; // bytes handed to libuv, not yet written
  size_t in_flight_chunks_ = 0;
  uint64_t queued_total_ = 0;
  size_t writes_in_flight_ = 0; // 0 or 1: the rest waits in out_, where it can still be dropped
  uint64_t last_write_progress_ms_ = 0;  // when the socket last took bytes
  size_t last_write_queue_size_ = 0;     // libuv's unwritten bytes at the last stall check
  uint64_t close_deadline_ms_ = 0;       // a stalled stream closing: abort at this time
  uint64_t drain_wait_since_ms_ = 0;     // when the stream began waiting for the socket to drain
  // Whether libuv is reading, which the lifecycle does not decide alone: a deferred request
  // reads on until its held input passes a bound, and the peer's FIN stops reading in any state.
  bool reading_ = false;
  // The peer's half of the socket, which closes independently of ours (a client may
  // half-close after sending a write): its FIN (or an error) was read, so no linger is needed.
  bool peer_closed_ = false;
  uint64_t linger_deadline_ms_ = 0;
  uv_shutdown_t shutdown_{};
  // The idle deadline (in idle) or the request deadline (in receiving); 0: none.
  uint64_t deadline_ms_ = 0;
};

}  // namespace jobwire::http
