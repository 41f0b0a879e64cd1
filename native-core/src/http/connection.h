// One client socket on the loop thread: reads and parses HTTP/1.1 with llhttp, hands each
// whole request to the router, writes responses in order (keep-alive, pipelining), and may
// be taken over by a session (long-poll, SSE, WebSocket).
//
// Backpressure: everything written is queued until the socket takes it, as references to
// shared frames (OutputQueue), with one write handed to libuv at a time. Streams take
// events only while the queue is under a low watermark (a quarter of
// ServerOptions::max_write_buffer_bytes, and kMaxHeldChunks references). A client whose
// queue passes the bound is dropped. A stream that has waited a quarter of
// ServerOptions::stall_timeout_ms for its socket to drain sheds its subscriber queue (it
// catches up from the log, after a gap, once drained); one whose socket takes no byte for
// the whole stall timeout has its unsent frames dropped, is told `gap` if the socket takes
// it, and is closed.
// Either way it resumes from its cursor when it reconnects. While a request is being
// answered, reading stops, so a client cannot queue unbounded work.
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

class ServerImpl;

class Connection {
 public:
  Connection(ServerImpl& server, uint64_t id);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Accepts a pending connection from `listener` and starts reading.
  int accept(uv_stream_t* listener);
  uint64_t id() const noexcept { return id_; }
  Transport transport() const noexcept;

  // --- answering the current request ---
  const Request& request() const noexcept { return request_; }
  // Finishes the current request with `response` (CORS, gzip and keep-alive applied).
  void respond(Response response);
  // The handler answers later (from a mailbox task); reading stays paused until then.
  void defer() noexcept { deferred_ = true; }
  // Attaches a session. A long-poll session answers with respond() later; a session that
  // takes over the socket (SSE, WebSocket) writes raw bytes with send().
  void attach(std::unique_ptr<Session> session);
  // Answers the current request by turning the socket into a stream: writes `head` (the
  // status line and headers) and hands the socket to `session` for good.
  void begin_stream(int status, std::string_view head, std::unique_ptr<Session> session);
  // Answers with an error and closes (over the connection cap, bad input).
  void refuse(Code code, std::string_view message);
  // Frees a long-poll session that has answered (call once its own call has returned).
  void release_retired() noexcept;

  // --- raw output, for sessions and the status line of a takeover ---
  void send(std::string_view bytes);
  // Queues a reference to a shared frame (no copy).
  void send(SharedBytes frame);
  void flush();
  size_t buffered_bytes() const noexcept { return out_.bytes() + in_flight_bytes_; }
  size_t held_chunks() const noexcept { return out_.chunks() + in_flight_chunks_; }
  // Bytes ever queued by send(): what serving a stream cost, for the fan-out's budget.
  uint64_t queued_total() const noexcept { return queued_total_; }
  // References a stream may hold before it waits for the socket: enough to keep a socket
  // busy, few enough that a stalled stream costs a few KiB.
  static constexpr size_t kMaxHeldChunks = 32;
  // True while the buffer is under the low watermark: a stream may take more events.
  bool writable() const noexcept;
  // Calls on_ready() once the buffer has drained under the low watermark.
  void wait_for_drain() noexcept;
  // Closes once everything buffered is written (after a refused request, half-closes and
  // waits briefly for the client to close, so it reads the answer rather than a reset).
  void close();
  // Closes now, dropping what is buffered.
  void abort();
  bool closing() const noexcept { return closing_; }

  // --- driven by the server ---
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

  // llhttp callbacks
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

  void receive(const char* data, size_t length);
  void parse(const char* data, size_t length);
  void parse_buffered();
  void hold_input(const char* data, size_t length);
  void dispatch();
  void finish_request();
  void fail(Code code, std::string_view message);
  void start_reading();
  void stop_reading();
  void close_handle();
  void finish_close();
  void linger();
  void drop_slow_client();
  // Write progress since the last check (libuv's write queue shrank), for the stall clock.
  void note_partial_progress(uint64_t now);
  // The client stopped reading for the stall timeout: drop what is unsent, let the session
  // say `gap` behind the write in flight, and close (aborting if that write never ends).
  void drop_stalled_stream(uint64_t now);
  std::string serialize(Response& response) const;

  ServerImpl& server_;
  const uint64_t id_;
  uv_tcp_t tcp_{};
  llhttp_t parser_{};
  Request request_;
  std::string header_field_;  // the name being read
  bool reading_value_ = false;
  size_t header_bytes_ = 0;
  std::optional<Code> limit_hit_;  // a limit refused the request being parsed
  bool in_request_ = false;   // between message begin and its answer
  bool deferred_ = false;     // the handler answers later
  bool dispatching_ = false;  // inside dispatch(): respond() must not re-enter parsing
  std::string pending_input_; // bytes read but not yet parsed (while an answer is pending)
  std::unique_ptr<Session> session_;
  std::unique_ptr<Session> retired_session_;  // answered, freed once its call returns
  OutputQueue out_;            // bytes not yet handed to libuv
  size_t in_flight_bytes_ = 0; // bytes handed to libuv, not yet written
  size_t in_flight_chunks_ = 0;
  uint64_t queued_total_ = 0;
  size_t writes_in_flight_ = 0; // 0 or 1: the rest waits in out_, where it can still be dropped
  bool wants_drain_ = false;
  uint64_t last_write_progress_ms_ = 0;  // when the socket last took bytes
  size_t last_write_queue_size_ = 0;     // libuv's unwritten bytes at the last stall check
  uint64_t close_deadline_ms_ = 0;       // a stalled stream closing: abort at this time
  uint64_t drain_wait_since_ms_ = 0;     // when the stream began waiting for the socket to drain
  bool shed_ = false;                    // the stream shed its queue in this wait
  bool reading_ = false;
  bool closing_ = false;       // close once writes drain
  bool handle_closed_ = false; // uv_close was called
  bool linger_on_close_ = false;  // a request was refused: linger rather than close at once
  bool lingering_ = false;     // FIN sent; waiting for the client's
  bool peer_closed_ = false;   // the client's FIN (or an error) was read
  uint64_t linger_deadline_ms_ = 0;
  uv_shutdown_t shutdown_{};
  uint64_t deadline_ms_ = 0;   // 0: none
  bool deadline_is_request_ = false;
};

}  // namespace jobwire::http
