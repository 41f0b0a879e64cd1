// The HTTP/1.1 side of a connection: bytes in, llhttp callbacks filling the Request, limits
// (431, 413, 400), handing each whole request to the router in order, and framing its
// answer (status line, gzip, keep-alive) or its takeover by a stream. The socket under it
// (reads, writes, backpressure, closing) is connection.cpp's.
#include <cassert>
#include <cctype>

#include "api/query.h"
#include "http/connection.h"
#include "http/gzip.h"
#include "http/router.h"
#include "http/server_loop.h"

namespace jobwire::http {
namespace {

constexpr size_t kMaxHeldInputBytes = 64 * 1024;
// How long a keep-alive connection may sit idle between requests.
constexpr uint64_t kKeepAliveIdleMs = 60'000;
// Smaller bodies are not worth the CPU of compressing.
constexpr size_t kGzipMinBytes = 1024;

// The kernel send buffer of a stream's socket, fixed rather than autotuned: Linux grows an
// unread socket's buffer to megabytes (loopback: ~2-4 MB each, a gigabyte of kernel memory
// for 1,000 sleeping tabs, all of it written by the loop first). The kernel doubles this.
// Every byte of it is written by the loop before a reader that stopped is seen to stop, and a
// reading client waits its turn behind those writes: with 1,000 stalled readers, 128 KiB held
// a live reader's delivery p99 at 0.5-0.9 s, 32 KiB at 86-101 ms, 16 KiB at 63-78 ms
// (BENCHMARKS.md, issue 18). 32 KiB in flight still carries ~320 KB/s, a thousand events a
// second, over a 100 ms round trip; on loopback or a LAN far more.
constexpr int kStreamSendBufferBytes = 16 * 1024;

Connection* owner(llhttp_t* parser) { return static_cast<Connection*>(parser->data); }

void append_lower(std::string& out, const char* at, size_t length) {
  for (size_t i = 0; i < length; ++i) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(at[i]))));
}

}  // namespace

void Connection::receive(const char* data, size_t length) {
  if (closing()) return;
  if (streaming()) {
    session_->on_data(data, length);
    return;
  }
  if (state_ == State::deferred) {
    hold_input(data, length);
    return;
  }
  if (!pending_input_.empty()) {
    pending_input_.append(data, length);
    parse_buffered();
    return;
  }
  parse(data, length);
}

// Pipelined input that waits while a request is answered later. Reading goes on, so a
// client that goes away is seen at once (a parked long-poll is released); past a bound it
// stops, and resumes when the answer is out.
void Connection::hold_input(const char* data, size_t length) {
  pending_input_.append(data, length);
  if (pending_input_.size() > kMaxHeldInputBytes) stop_reading();
}

void Connection::parse_buffered() {
  std::string input = std::move(pending_input_);
  pending_input_.clear();
  parse(input.data(), input.size());
}

void Connection::parse(const char* data, size_t length) {
  while (length > 0 && (state_ == State::idle || state_ == State::receiving)) {
    llhttp_errno_t err = llhttp_execute(&parser_, data, length);
    if (err == HPE_OK) return;
    if (err != HPE_PAUSED && err != HPE_PAUSED_UPGRADE) {
      if (limit_hit_) {
        fail(*limit_hit_, *limit_hit_ == Code::too_large ? "the body is larger than the limit"
                          : *limit_hit_ == Code::headers_too_large ? "the request headers are too large"
                                                                    : "the request target is malformed");
      } else {
        fail(Code::invalid_argument, std::string("malformed HTTP request: ") + llhttp_get_error_reason(&parser_));
      }
      return;
    }
    // llhttp stays paused after an upgrade we did not take, answering so again for the
    // request already dispatched: what follows is ignored.
    if (state_ != State::receiving) return;
    size_t used = static_cast<size_t>(llhttp_get_error_pos(&parser_) - data);
    data += used;
    length -= used;
    if (err == HPE_PAUSED) llhttp_resume(&parser_);
    dispatch();
    if (streaming()) {
      if (length > 0) session_->on_data(data, length);
      return;
    }
    if (err == HPE_PAUSED_UPGRADE) return;  // an upgrade we did not take: no more HTTP here
    if (state_ == State::deferred) {
      // Answered later: keep the rest for when it is done.
      pending_input_.clear();
      hold_input(data, length);
      return;
    }
  }
}

void Connection::dispatch() {
  move_to(State::dispatching);
  retired_session_.reset();
  route_request(server_, *this);
  assert(state_ != State::dispatching);  // every handler answers, defers or starts a stream
  // A stream never reads its request again; its headers and query would stay for the
  // connection's life (~400 bytes of each idle stream's memory).
  if (streaming()) request_ = Request{};
}

void Connection::fail(Code code, std::string_view message) {
  assert(state_ == State::idle || state_ == State::receiving);
  request_.keep_alive = false;
  Response response = error_response(code, message);
  write_response(response);
  // The rest of a refused request may still be on its way: linger once the answer is out.
  if (!closing()) begin_closing(State::refusing);
}

void Connection::refuse(Code code, std::string_view message) { fail(code, message); }

// ---------------------------------------------------------------- answering

void Connection::respond(Response response) {
  if (state_ != State::dispatching && state_ != State::deferred) {
    assert(closing());  // a second answer to one request is a bug; a late one is not
    return;
  }
  write_response(response);
  finish_request();
}

void Connection::write_response(Response& response) {
  server_.access().add_cors(request_, response);
  server_.metrics().count_status(response.status);
  send(serialize(response));
  flush();
}

void Connection::defer() noexcept { move_to(State::deferred); }

void Connection::attach(std::unique_ptr<Session> session) {
  move_to(State::deferred);
  session_ = std::move(session);
}

void Connection::begin_stream(int status, std::string_view head, std::unique_ptr<Session> session) {
  move_to(State::streaming);
  session_ = std::move(session);
  deadline_ms_ = 0;
  server_.metrics().count_status(status);
  int send_buffer = kStreamSendBufferBytes;
  uv_send_buffer_size(reinterpret_cast<uv_handle_t*>(&tcp_), &send_buffer);
  send(head);
  flush();
}

void Connection::finish_request() {
  // A long-poll session has answered; it is destroyed once its own call has returned.
  if (session_ && !session_->takes_over()) retired_session_ = std::move(session_);
  if (closing()) return;  // writing the answer failed
  if (!request_.keep_alive || server_.stopping()) {
    close();
    return;
  }
  // From dispatching, the parse loop that called us goes on by itself; a deferred answer
  // resumes parsing what arrived meanwhile.
  const bool resume = state_ == State::deferred;
  move_to(State::idle);
  deadline_ms_ = server_.now_ms() + kKeepAliveIdleMs;
  if (!resume) return;
  start_reading();
  if (!pending_input_.empty()) parse_buffered();
}

std::string Connection::serialize(Response& response) const {
  bool head_only = request_.method == "HEAD";
  bool keep_alive = request_.keep_alive && !server_.stopping();
  bool has_body = response.status != 304 && response.status != 204;
  bool gzipped = false;
  if (has_body && response.compressible && response.body.size() >= kGzipMinBytes) {
    auto accept = request_.header("accept-encoding");
    if (accept && accepts_gzip(*accept)) {
      if (auto packed = gzip(response.body)) {
        response.body = std::move(*packed);
        gzipped = true;
      }
    }
  }
  std::string out;
  out.reserve(192 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += status_reason(response.status);
  out += "\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  if (gzipped) out += "Content-Encoding: gzip\r\n";
  if (has_body && response.compressible) out += "Vary: Accept-Encoding\r\n";
  if (has_body) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  if (has_body && !head_only) out += response.body;
  return out;
}

// ---------------------------------------------------------------- llhttp callbacks

const llhttp_settings_t& Connection::parser_settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = &Connection::on_message_begin;
    s.on_url = &Connection::on_url;
    s.on_header_field = &Connection::on_header_field;
    s.on_header_field_complete = &Connection::on_header_field_complete;
    s.on_header_value = &Connection::on_header_value;
    s.on_headers_complete = &Connection::on_headers_complete;
    s.on_body = &Connection::on_body;
    s.on_message_complete = &Connection::on_message_complete;
    return s;
  }();
  return settings;
}

int Connection::on_message_begin(llhttp_t* parser) {
  Connection* self = owner(parser);
  self->request_ = Request{};
  self->reading_value_ = false;
  self->header_bytes_ = 0;
  self->limit_hit_.reset();
  self->move_to(State::receiving);
  self->deadline_ms_ = self->server_.now_ms() + static_cast<uint64_t>(self->server_.options().request_timeout_ms);
  return 0;
}

bool Connection::count_header_bytes(size_t length) {
  header_bytes_ += length;
  if (header_bytes_ <= server_.options().max_header_bytes) return true;
  limit_hit_ = Code::headers_too_large;
  return false;
}

int Connection::on_url(llhttp_t* parser, const char* at, size_t length) {
  Connection* self = owner(parser);
  if (!self->count_header_bytes(length)) return -1;
  self->request_.target.append(at, length);
  return 0;
}

int Connection::on_header_field(llhttp_t* parser, const char* at, size_t length) {
  Connection* self = owner(parser);
  if (!self->count_header_bytes(length)) return -1;
  auto& headers = self->request_.headers;
  if (self->reading_value_ || headers.empty()) {
    if (headers.size() >= self->server_.options().max_headers) {
      self->limit_hit_ = Code::headers_too_large;
      return -1;
    }
    headers.emplace_back();
    self->reading_value_ = false;
  }
  append_lower(headers.back().first, at, length);
  return 0;
}

// The name is whole: the next name starts a new header even when this one's value is empty
// (an empty value gets no on_header_value call at all).
int Connection::on_header_field_complete(llhttp_t* parser) {
  owner(parser)->reading_value_ = true;
  return 0;
}

int Connection::on_header_value(llhttp_t* parser, const char* at, size_t length) {
  Connection* self = owner(parser);
  if (!self->count_header_bytes(length)) return -1;
  self->request_.headers.back().second.append(at, length);
  return 0;
}

int Connection::on_headers_complete(llhttp_t* parser) {
  Connection* self = owner(parser);
  Request& request = self->request_;
  request.method = llhttp_method_name(static_cast<llhttp_method_t>(llhttp_get_method(parser)));
  request.keep_alive = llhttp_should_keep_alive(parser) != 0;
  request.upgrade = llhttp_get_upgrade(parser) != 0;
  if (!api::parse_target(request.target, request.path, request.query)) {
    self->limit_hit_ = Code::invalid_argument;
    return -1;
  }
  if (parser->content_length > self->server_.options().max_body_bytes) {
    self->limit_hit_ = Code::too_large;
    return -1;
  }
  // curl and others wait for this before sending a larger body.
  if (auto expect = request.header("expect"); expect && *expect == "100-continue")
    self->send("HTTP/1.1 100 Continue\r\n\r\n");
  return 0;
}

int Connection::on_body(llhttp_t* parser, const char* at, size_t length) {
  Connection* self = owner(parser);
  if (self->request_.body.size() + length > self->server_.options().max_body_bytes) {
    self->limit_hit_ = Code::too_large;
    return -1;
  }
  self->request_.body.append(at, length);
  return 0;
}

int Connection::on_message_complete(llhttp_t* parser) {
  Connection* self = owner(parser);
  self->deadline_ms_ = 0;
  // Stop here: the request is answered before the next one is parsed.
  return HPE_PAUSED;
}

}  // namespace jobwire::http
