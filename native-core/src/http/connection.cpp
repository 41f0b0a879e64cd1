// The socket side of a connection: its lifecycle (the state diagram in connection.h),
// accepting, reading, buffered writes with their bounds and backpressure, closing, and
// timeouts. The HTTP/1.1 side is connection_request.cpp.
#include "http/connection.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <vector>

#include "http/server_loop.h"

namespace jobwire::http {
namespace {

// Longest wait for a client to close after we did.
constexpr int kLingerMs = 2'000;

// Buffers handed to one write: a bounded gather, so a write ends (and the stall clock sees
// progress) often.
constexpr size_t kMaxWriteBufs = 16;

struct WriteRequest {
  uv_write_t req;  // first member: the uv_write_t* libuv hands back is this object
  std::vector<SharedBytes> held;  // alive until the write callback
  size_t bytes = 0;
};

}  // namespace

Connection::Connection(ServerLoop& server, uint64_t id) : server_(server), id_(id) {
  llhttp_init(&parser_, HTTP_REQUEST, &parser_settings());
  parser_.data = this;
}

Connection::~Connection() = default;

Transport Connection::transport() const noexcept { return session_ ? session_->transport() : Transport::http; }

// ---------------------------------------------------------------- lifecycle

bool Connection::may_move(State from, State to) noexcept {
  if (to == State::closed) return from != State::closed;  // abort() from anywhere
  switch (from) {
    case State::idle: return to == State::receiving || to == State::closing || to == State::refusing;
    case State::receiving:
      return to == State::dispatching || to == State::closing || to == State::refusing;
    case State::dispatching:
      return to == State::idle || to == State::deferred || to == State::streaming || to == State::closing;
    // deferred → deferred: an answer prepared later that waits again (an off-loop read
    // that finds nothing parks a long-poll).
    case State::deferred: return to == State::idle || to == State::deferred || to == State::closing;
    case State::streaming: return to == State::stream_waiting || to == State::closing;
    case State::stream_waiting:
      return to == State::streaming || to == State::stream_shed || to == State::closing;
    case State::stream_shed: return to == State::streaming || to == State::closing;
    case State::refusing: return to == State::lingering;
    case State::closing:
    case State::lingering:
    case State::closed: return false;
  }
  return false;
}

void Connection::move_to(State to) noexcept {
  assert(may_move(state_, to));
  state_ = to;
}

int Connection::accept(uv_stream_t* listener) {
  int rc = uv_tcp_init(server_.loop(), &tcp_);
  if (rc != 0) return rc;
  tcp_.data = this;
  rc = uv_accept(listener, reinterpret_cast<uv_stream_t*>(&tcp_));
  if (rc != 0) {
    abort();
    return rc;
  }
  begin();
  return 0;
}

int Connection::open(uv_os_sock_t socket) {
  int rc = uv_tcp_init(server_.loop(), &tcp_);
  if (rc != 0) return rc;
  tcp_.data = this;
  rc = uv_tcp_open(&tcp_, socket);
  if (rc != 0) {
    abort();
    return rc;
  }
  begin();
  return 0;
}

void Connection::begin() {
  uv_tcp_nodelay(&tcp_, 1);
  // A connection that never sends a request is closed after the request timeout.
  deadline_ms_ = server_.now_ms() + static_cast<uint64_t>(server_.options().request_timeout_ms);
  start_reading();
}

// ---------------------------------------------------------------- reading (parsing: connection_request.cpp)

void Connection::start_reading() {
  if (reading_ || state_ == State::closed) return;
  if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &Connection::on_alloc, &Connection::on_read) == 0)
    reading_ = true;
}

void Connection::stop_reading() {
  if (!reading_ || state_ == State::closed) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  reading_ = false;
}

void Connection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  *buf = static_cast<Connection*>(handle->data)->server_.read_buffer();
}

void Connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(stream->data);
  if (self->state_ == State::lingering) {
    if (nread < 0) self->close_handle();  // the client closed too; what it sent is discarded
    return;
  }
  if (nread > 0) {
    self->receive(buf->base, static_cast<size_t>(nread));
  } else if (nread < 0) {
    self->stop_reading();
    self->peer_closed_ = true;
    // A client may half-close after sending a write: still tell it how the write ended. A
    // parked long-poll is not kept for a client that has gone (a closed tab sends FIN).
    bool answering_write = self->state_ == State::deferred && !self->session_;
    if (nread == UV_EOF && answering_write) {
      self->request_.keep_alive = false;
    } else if (nread == UV_EOF) {
      self->close();
    } else {
      self->abort();
    }
  }
}

// ---------------------------------------------------------------- writing

SendResult Connection::send(std::string_view bytes) {
  if (closing()) return SendResult::dropped;
  queued_total_ += bytes.size();
  out_.push_copy(bytes);
  // Past the cap: flush() tries the socket once and drops the client if that is not enough.
  if (buffered_bytes() > server_.options().max_write_buffer_bytes) flush();
  return send_result();
}

SendResult Connection::send(SharedBytes frame) {
  if (closing()) return SendResult::dropped;
  if (!frame) return send_result();
  queued_total_ += frame->size();
  out_.push(std::move(frame));
  if (buffered_bytes() > server_.options().max_write_buffer_bytes) flush();
  return send_result();
}

bool Connection::over_low_watermark() const noexcept {
  return buffered_bytes() > server_.options().max_write_buffer_bytes / 4 || held_chunks() > kMaxHeldChunks;
}

SendResult Connection::send_result() const noexcept {
  if (closing()) return SendResult::dropped;
  return over_low_watermark() ? SendResult::buffered : SendResult::sent;
}

SendResult Connection::flush() {
  // One write at a time: its callback flushes the rest.
  if (state_ == State::closed || out_.empty() || writes_in_flight_ > 0) return send_result();
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  std::array<uv_buf_t, kMaxWriteBufs> bufs;
  size_t count = out_.gather(bufs.data(), bufs.size());
  int written = uv_try_write(stream, bufs.data(), static_cast<unsigned>(count));
  if (written > 0) {
    last_write_progress_ms_ = server_.now_ms();
    out_.consume(static_cast<size_t>(written));
    if (out_.empty()) {
      if (state_ == State::closing || state_ == State::refusing) finish_close();
      return send_result();
    }
  } else if (written != UV_EAGAIN) {
    abort();
    return SendResult::dropped;
  }
  if (buffered_bytes() > server_.options().max_write_buffer_bytes) {
    drop_slow_client();
    return SendResult::dropped;
  }
  last_write_progress_ms_ = server_.now_ms();  // the stall clock starts now
  auto* request = new WriteRequest{};
  request->req.data = this;
  count = out_.gather(bufs.data(), bufs.size());
  for (size_t i = 0; i < count; ++i) request->bytes += bufs[i].len;
  request->held = out_.take_front(count);
  in_flight_bytes_ += request->bytes;
  in_flight_chunks_ += request->held.size();
  ++writes_in_flight_;
  if (uv_write(&request->req, stream, bufs.data(), static_cast<unsigned>(count), &Connection::on_write) != 0) {
    in_flight_bytes_ -= request->bytes;
    in_flight_chunks_ -= request->held.size();
    --writes_in_flight_;
    delete request;
    abort();
  }
  return send_result();
}

void Connection::on_write(uv_write_t* req, int status) {
  auto* request = reinterpret_cast<WriteRequest*>(req);
  auto* self = static_cast<Connection*>(req->data);
  self->in_flight_bytes_ -= request->bytes;
  self->in_flight_chunks_ -= request->held.size();
  --self->writes_in_flight_;
  delete request;
  if (status < 0) {
    self->abort();
    return;
  }
  self->last_write_progress_ms_ = self->server_.now_ms();
  self->flush();
  if ((self->state_ == State::stream_waiting || self->state_ == State::stream_shed) && !self->over_low_watermark()) {
    self->move_to(State::streaming);
    self->on_ready();
  }
  if ((self->state_ == State::closing || self->state_ == State::refusing) && self->writes_in_flight_ == 0 &&
      self->out_.empty())
    self->finish_close();
}

// ---------------------------------------------------------------- closing

void Connection::close() {
  if (!closing()) begin_closing(State::closing);
}

void Connection::begin_closing(State how) {
  move_to(how);
  flush();  // which finishes closing if the socket takes everything now
  if (state_ == how && writes_in_flight_ == 0 && out_.empty()) finish_close();
}

void Connection::finish_close() {
  if (state_ == State::refusing) {
    linger();
  } else {
    close_handle();
  }
}

// After refusing a request the client may still be sending (a body refused with 413):
// closing at once with unread input would send a reset that can destroy the answer. So send
// FIN, then read and discard until the client closes too, or a short while passes.
void Connection::linger() {
  if (peer_closed_) {
    close_handle();  // nothing more will come in: no reset to fear
    return;
  }
  move_to(State::lingering);
  uint64_t wait = static_cast<uint64_t>(std::min(kLingerMs, server_.options().request_timeout_ms));
  linger_deadline_ms_ = server_.now_ms() + wait;
  shutdown_.data = this;
  if (uv_shutdown(&shutdown_, reinterpret_cast<uv_stream_t*>(&tcp_), [](uv_shutdown_t*, int) {}) != 0) {
    close_handle();
    return;
  }
  start_reading();
}

void Connection::abort() {
  out_.clear();
  close_handle();
}

void Connection::close_handle() {
  if (state_ == State::closed) return;
  move_to(State::closed);
  reading_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::on_closed);
}

void Connection::on_closed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  self->server_.forget(self->id_);
}

// ---------------------------------------------------------------- server-driven

void Connection::on_ready() {
  if (state_ == State::streaming && over_low_watermark()) {
    // Events came while the socket is behind (a heartbeat, or a delivery whose subscription ran dry,
    // left the buffer past the watermark): they wait for the drain, as after `buffered`.
    wait_for_drain();
  } else if (session_ && (state_ == State::deferred || state_ == State::streaming)) {
    session_->on_ready();  // a stream already waiting hears of its events at the drain
  }
  retired_session_.reset();
}

void Connection::on_heartbeat() {
  if (session_ && !closing()) session_->on_heartbeat();
}

void Connection::on_shutdown() {
  if (closing()) return;
  if (session_) {
    session_->on_shutdown();
    retired_session_.reset();
  } else if (state_ == State::idle) {
    close();
  }
  // A request being answered closes the connection once its answer is written.
}

void Connection::wait_for_drain() noexcept {
  if (state_ != State::streaming) return;  // already waiting, or closing
  move_to(State::stream_waiting);
  drain_wait_since_ms_ = server_.now_ms();
}

void Connection::drop_slow_client() {
  // Dropping bounds our memory; the client resumes from its cursor when it reconnects.
  ++server_.metrics().dropped_clients;
  abort();
}

void Connection::check_timeouts(uint64_t now) {
  if (state_ == State::closed) return;
  if (state_ == State::lingering) {
    if (now >= linger_deadline_ms_) close_handle();
    return;
  }
  if (close_deadline_ms_ != 0) {
    if (now >= close_deadline_ms_) abort();  // its last write never ended
    return;
  }
  if (writes_in_flight_ > 0) {
    note_partial_progress(now);
    const uint64_t stalled_ms = now - std::min(now, last_write_progress_ms_);
    if (session_ && session_->takes_over()) {
      const auto stall_ms = static_cast<uint64_t>(server_.options().stall_timeout_ms);
      if (stalled_ms >= stall_ms) {
        drop_stalled_stream(now);  // it stopped reading
        return;
      }
      if (state_ == State::stream_waiting && now >= drain_wait_since_ms_ + stall_ms / 4) {
        // A queue left to fill while the socket is slow costs memory for events the log
        // holds anyway: drop it; the stream catches up from the log once drained.
        move_to(State::stream_shed);
        session_->on_stalled();
      }
    } else if (over_low_watermark() &&
               stalled_ms >= static_cast<uint64_t>(server_.options().request_timeout_ms)) {
      drop_slow_client();  // a response it stopped reading
      return;
    }
  }
  if (deadline_ms_ == 0 || now < deadline_ms_) return;
  deadline_ms_ = 0;
  if (state_ == State::receiving) {
    fail(Code::timeout, "the request did not arrive in time");
  } else if (state_ == State::idle) {
    close();
  }
}

void Connection::note_partial_progress(uint64_t now) {
  size_t queued = uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(&tcp_));
  if (queued < last_write_queue_size_) last_write_progress_ms_ = now;
  last_write_queue_size_ = queued;
}

void Connection::drop_stalled_stream(uint64_t now) {
  ++server_.metrics().dropped_clients;
  out_.drop_unstarted();
  if (session_) session_->on_stall_close();
  close();
  // The write in flight gets a short grace to end (and carry the gap); then the socket goes.
  if (state_ != State::closed) close_deadline_ms_ = now + static_cast<uint64_t>(server_.options().stall_timeout_ms) / 4;
}

void Connection::release_retired() noexcept { retired_session_.reset(); }

}  // namespace jobwire::http
