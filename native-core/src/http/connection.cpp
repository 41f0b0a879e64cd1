#include "http/connection.h"

#include <algorithm>
#include <cctype>

#include "http/gzip.h"
#include "http/query.h"
#include "http/router.h"
#include "http/server_impl.h"

namespace jobwire::http {
namespace {

// How long a keep-alive connection may sit idle between requests.
constexpr uint64_t kKeepAliveIdleMs = 60'000;
// Smaller bodies are not worth the CPU of compressing.
constexpr size_t kGzipMinBytes = 1024;

struct WriteRequest {
  uv_write_t req;  // first member: the uv_write_t* libuv hands back is this object
  std::string data;
};

Connection* owner(llhttp_t* parser) { return static_cast<Connection*>(parser->data); }

void append_lower(std::string& out, const char* at, size_t length) {
  for (size_t i = 0; i < length; ++i) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(at[i]))));
}

}  // namespace

Connection::Connection(ServerImpl& server, uint64_t id) : server_(server), id_(id) {
  llhttp_init(&parser_, HTTP_REQUEST, &parser_settings());
  parser_.data = this;
}

Connection::~Connection() = default;

Transport Connection::transport() const noexcept { return session_ ? session_->transport() : Transport::http; }

int Connection::accept(uv_stream_t* listener) {
  int rc = uv_tcp_init(server_.loop(), &tcp_);
  if (rc != 0) return rc;
  tcp_.data = this;
  rc = uv_accept(listener, reinterpret_cast<uv_stream_t*>(&tcp_));
  if (rc != 0) {
    abort();
    return rc;
  }
  uv_tcp_nodelay(&tcp_, 1);
  // A connection that never sends a request is closed after the request timeout.
  deadline_ms_ = server_.now_ms() + static_cast<uint64_t>(server_.options().request_timeout_ms);
  deadline_is_request_ = false;
  start_reading();
  return 0;
}

// ---------------------------------------------------------------- reading and parsing

void Connection::start_reading() {
  if (reading_ || handle_closed_) return;
  if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &Connection::on_alloc, &Connection::on_read) == 0)
    reading_ = true;
}

void Connection::stop_reading() {
  if (!reading_ || handle_closed_) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  reading_ = false;
}

void Connection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  *buf = static_cast<Connection*>(handle->data)->server_.read_buffer();
}

void Connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(stream->data);
  if (nread > 0) {
    self->receive(buf->base, static_cast<size_t>(nread));
  } else if (nread < 0) {
    self->stop_reading();
    // A client may half-close after sending its request: still answer what is pending.
    bool answering = self->in_request_ && (self->deferred_ || self->session_) &&
                     !(self->session_ && self->session_->takes_over());
    if (nread == UV_EOF && answering) {
      self->request_.keep_alive = false;
    } else if (nread == UV_EOF) {
      self->close();
    } else {
      self->abort();
    }
  }
}

void Connection::receive(const char* data, size_t length) {
  if (closing_) return;
  if (session_ && session_->takes_over()) {
    session_->on_data(data, length);
    return;
  }
  if (in_request_ && (deferred_ || session_)) {
    pending_input_.append(data, length);
    return;
  }
  if (!pending_input_.empty()) {
    pending_input_.append(data, length);
    parse_buffered();
    return;
  }
  parse(data, length);
}

void Connection::parse_buffered() {
  std::string input = std::move(pending_input_);
  pending_input_.clear();
  parse(input.data(), input.size());
}

void Connection::parse(const char* data, size_t length) {
  while (length > 0 && !closing_) {
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
    size_t used = static_cast<size_t>(llhttp_get_error_pos(&parser_) - data);
    data += used;
    length -= used;
    if (err == HPE_PAUSED) llhttp_resume(&parser_);
    dispatch();
    if (session_ && session_->takes_over()) {
      if (length > 0 && !closing_) session_->on_data(data, length);
      return;
    }
    if (err == HPE_PAUSED_UPGRADE) return;  // an upgrade we did not take: the answer closes
    if (in_request_) {
      // Answered later: keep the rest for when it is done, and read no more meanwhile.
      pending_input_.assign(data, length);
      stop_reading();
      return;
    }
  }
}

void Connection::dispatch() {
  dispatching_ = true;
  retired_session_.reset();
  route_request(server_, *this);
  dispatching_ = false;
}

void Connection::fail(Code code, std::string_view message) {
  in_request_ = true;
  deferred_ = false;
  request_.keep_alive = false;
  respond(error_response(code, message));
}

void Connection::refuse(Code code, std::string_view message) { fail(code, message); }

// ---------------------------------------------------------------- llhttp callbacks

const llhttp_settings_t& Connection::parser_settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = &Connection::on_message_begin;
    s.on_url = &Connection::on_url;
    s.on_header_field = &Connection::on_header_field;
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
  self->in_request_ = true;
  self->deadline_ms_ = self->server_.now_ms() + static_cast<uint64_t>(self->server_.options().request_timeout_ms);
  self->deadline_is_request_ = true;
  return 0;
}

int Connection::on_url(llhttp_t* parser, const char* at, size_t length) {
  Connection* self = owner(parser);
  self->header_bytes_ += length;
  if (self->header_bytes_ > self->server_.options().max_header_bytes) {
    self->limit_hit_ = Code::headers_too_large;
    return -1;
  }
  self->request_.target.append(at, length);
  return 0;
}

int Connection::on_header_field(llhttp_t* parser, const char* at, size_t length) {
  Connection* self = owner(parser);
  self->header_bytes_ += length;
  if (self->header_bytes_ > self->server_.options().max_header_bytes) {
    self->limit_hit_ = Code::headers_too_large;
    return -1;
  }
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

int Connection::on_header_value(llhttp_t* parser, const char* at, size_t length) {
  Connection* self = owner(parser);
  self->header_bytes_ += length;
  if (self->header_bytes_ > self->server_.options().max_header_bytes) {
    self->limit_hit_ = Code::headers_too_large;
    return -1;
  }
  self->reading_value_ = true;
  self->request_.headers.back().second.append(at, length);
  return 0;
}

int Connection::on_headers_complete(llhttp_t* parser) {
  Connection* self = owner(parser);
  Request& request = self->request_;
  request.method = llhttp_method_name(static_cast<llhttp_method_t>(llhttp_get_method(parser)));
  request.keep_alive = llhttp_should_keep_alive(parser) != 0;
  request.upgrade = llhttp_get_upgrade(parser) != 0;
  if (!parse_target(request.target, request.path, request.query)) {
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

// ---------------------------------------------------------------- answering

void Connection::respond(Response response) {
  if (!in_request_ || handle_closed_) return;
  server_.access().add_cors(request_, response);
  server_.metrics().count_status(response.status);
  send(serialize(response));
  flush();
  finish_request();
}

void Connection::begin_stream(int status, std::string_view head, std::unique_ptr<Session> session) {
  server_.metrics().count_status(status);
  send(head);
  flush();
  session_ = std::move(session);
  in_request_ = false;
  deferred_ = false;
  deadline_ms_ = 0;
}

void Connection::attach(std::unique_ptr<Session> session) {
  deferred_ = true;
  session_ = std::move(session);
}

void Connection::finish_request() {
  in_request_ = false;
  deferred_ = false;
  // A long-poll session has answered; it is destroyed once its own call has returned.
  if (session_ && !session_->takes_over()) retired_session_ = std::move(session_);
  if (!request_.keep_alive || server_.stopping()) {
    close();
    return;
  }
  deadline_ms_ = server_.now_ms() + kKeepAliveIdleMs;
  deadline_is_request_ = false;
  if (dispatching_) return;  // the parse loop that called us goes on by itself
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

// ---------------------------------------------------------------- writing

void Connection::send(std::string_view bytes) {
  if (handle_closed_) return;
  out_.append(bytes);
}

void Connection::flush() {
  if (handle_closed_ || out_.empty()) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  if (writes_in_flight_ == 0) {
    uv_buf_t buf = uv_buf_init(out_.data(), static_cast<unsigned>(out_.size()));
    int written = uv_try_write(stream, &buf, 1);
    if (written > 0) {
      last_write_progress_ms_ = server_.now_ms();
      if (static_cast<size_t>(written) == out_.size()) {
        out_.clear();
        if (closing_) close_handle();
        return;
      }
      out_.erase(0, static_cast<size_t>(written));
    } else if (written != UV_EAGAIN) {
      abort();
      return;
    }
  }
  if (buffered_bytes() > server_.options().max_write_buffer_bytes) {
    drop_slow_client();
    return;
  }
  if (in_flight_bytes_ == 0) last_write_progress_ms_ = server_.now_ms();  // the stall clock starts now
  auto* request = new WriteRequest{};
  request->data = std::move(out_);
  out_ = std::string();
  request->req.data = this;
  uv_buf_t buf = uv_buf_init(request->data.data(), static_cast<unsigned>(request->data.size()));
  in_flight_bytes_ += request->data.size();
  ++writes_in_flight_;
  if (uv_write(&request->req, stream, &buf, 1, &Connection::on_write) != 0) {
    in_flight_bytes_ -= request->data.size();
    --writes_in_flight_;
    delete request;
    abort();
  }
}

void Connection::on_write(uv_write_t* req, int status) {
  auto* request = reinterpret_cast<WriteRequest*>(req);
  auto* self = static_cast<Connection*>(req->data);
  self->in_flight_bytes_ -= request->data.size();
  --self->writes_in_flight_;
  delete request;
  if (status < 0) {
    self->abort();
    return;
  }
  self->last_write_progress_ms_ = self->server_.now_ms();
  if (!self->out_.empty()) self->flush();
  if (self->wants_drain_ && self->writable() && !self->closing_) {
    self->wants_drain_ = false;
    self->on_ready();
  }
  if (self->closing_ && self->writes_in_flight_ == 0 && self->out_.empty()) self->close_handle();
}

// ---------------------------------------------------------------- closing

void Connection::close() {
  if (closing_) return;
  closing_ = true;
  stop_reading();
  flush();
  if (writes_in_flight_ == 0 && out_.empty()) close_handle();
}

void Connection::abort() {
  closing_ = true;
  out_.clear();
  close_handle();
}

void Connection::close_handle() {
  if (handle_closed_) return;
  handle_closed_ = true;
  reading_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::on_closed);
}

void Connection::on_closed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  self->server_.forget(self->id_);
}

// ---------------------------------------------------------------- server-driven

void Connection::on_ready() {
  if (session_ && !handle_closed_) session_->on_ready();
  retired_session_.reset();
}

void Connection::on_heartbeat() {
  if (session_ && !handle_closed_) session_->on_heartbeat();
}

void Connection::on_shutdown() {
  if (handle_closed_) return;
  if (session_) {
    session_->on_shutdown();
    retired_session_.reset();
  } else if (!in_request_) {
    close();
  }
  // A request being answered closes the connection once its answer is written.
}

bool Connection::writable() const noexcept {
  return buffered_bytes() <= server_.options().max_write_buffer_bytes / 4;
}

void Connection::drop_slow_client() {
  // Dropping bounds our memory; the client resumes from its cursor when it reconnects.
  ++server_.metrics().dropped_clients;
  abort();
}

void Connection::check_timeouts(uint64_t now) {
  if (handle_closed_) return;
  if (!writable() && now >= last_write_progress_ms_ + static_cast<uint64_t>(server_.options().request_timeout_ms)) {
    drop_slow_client();  // it stopped reading
    return;
  }
  if (deadline_ms_ == 0 || now < deadline_ms_) return;
  deadline_ms_ = 0;
  if (deadline_is_request_ && in_request_) {
    fail(Code::timeout, "the request did not arrive in time");
  } else {
    close();
  }
}

void Connection::release_retired() noexcept { retired_session_.reset(); }

}  // namespace jobwire::http
