// GET /ws: the WebSocket transport. wslay does the framing (masking, fragments, ping/pong,
// close); we feed it the socket's bytes and write what it produces through the
// connection. Server → client: `hello`, then one text message per event envelope, with
// `gap`, `reset` and `heartbeat` control messages. Client → server: {"type":"resume",
// "after":N} and {"type":"ping"}.
#include <wslay/wslay.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "http/connection.h"
#include "http/stream_subscription.h"
#include "http/handlers.h"
#include "api/query.h"
#include "http/server_loop.h"
#include "http/session.h"
#include "http/stream_cursor.h"
#include "http/stream_delivery.h"
#include "http/ws_accept.h"

namespace jobwire::http {
namespace {

constexpr uint64_t kMaxClientMessage = 64 * 1024;

bool contains_token(std::string_view value, std::string_view token) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find(token) != std::string::npos;
}

class WebSocketStream final : public Session {
 public:
  WebSocketStream(ServerLoop& server, Connection& conn, EventFilter filter)
      : server_(server), conn_(conn), filter_(std::move(filter)) {}

  ~WebSocketStream() override {
    if (ctx_) wslay_event_context_free(ctx_);
  }

  bool init() {
    static const wslay_event_callbacks callbacks = {
        &WebSocketStream::recv_callback, &WebSocketStream::send_callback, nullptr, nullptr, nullptr, nullptr,
        &WebSocketStream::message_callback};
    if (wslay_event_context_server_init(&ctx_, &callbacks, this) != 0) return false;
    wslay_event_config_set_max_recv_msg_length(ctx_, kMaxClientMessage);
    return true;
  }

  // (Re)subscribes after `after` (absent: from the head).
  Status subscribe(std::optional<int64_t> after) {
    subscription_.reset();
    auto subscription = StreamSubscription::open(server_, conn_.id(), after, filter_);
    if (!subscription.ok()) return subscription.status();
    subscription_ = std::move(subscription).value();
    if (subscription_->ready()) server_.mailbox()->post_ready(conn_.id());
    return Status::Ok();
  }

  void queue_text(const std::string& text) {
    wslay_event_msg message{WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t*>(text.data()), text.size()};
    wslay_event_queue_msg(ctx_, &message);
  }

  // Hands wslay's queued frames to the connection; closes once both sides said goodbye.
  void flush_frames() {
    if (conn_.closing()) return;
    if (wslay_event_send(ctx_) != 0) {
      conn_.abort();
      return;
    }
    conn_.flush();
    if (!wslay_event_want_read(ctx_) && !wslay_event_want_write(ctx_)) conn_.close();
  }

  Transport transport() const override { return Transport::websocket; }
  bool takes_over() const override { return true; }

  void on_data(const char* data, size_t length) override {
    input_.append(data, length);
    if (wslay_event_recv(ctx_) != 0) {
      conn_.abort();
      return;
    }
    input_.erase(0, input_read_);
    input_read_ = 0;
    flush_frames();
  }

  void on_ready() override {
    if (!subscription_) return;
    deliver_to_socket(*server_.mailbox(), conn_, *subscription_, [this](Delivery& delivery) {
      if (delivery.reset) queue_text(control_json("reset", delivery.cursor));
      if (delivery.gap) {
        ++server_.metrics().gaps[static_cast<size_t>(Transport::websocket)];
        queue_text(control_json("gap", delivery.cursor));
      }
      for (const EventPtr& event : delivery.events) queue_text(event->json);
      server_.metrics().deliveries[static_cast<size_t>(Transport::websocket)] += delivery.events.size();
      // Frames go to the connection's buffer now, so the answer covers them.
      sent_ = SendResult::sent;
      if (wslay_event_send(ctx_) != 0) {
        conn_.abort();
        return SendResult::dropped;
      }
      return sent_;
    });
    if (!wslay_event_want_read(ctx_) && !wslay_event_want_write(ctx_)) conn_.close();
  }

  void on_heartbeat() override {
    queue_text(heartbeat_json(subscription_ ? subscription_->cursor() : 0, server_.store_delayed()));
    flush_frames();
  }

  // No last `gap` when dropped for a stall: the unsent bytes dropped may end inside a frame,
  // so nothing more can be framed after them. The client resumes from its cursor.
  void on_stalled() override {
    if (subscription_) subscription_->shed();
  }

  void on_shutdown() override {
    static constexpr char kReason[] = "server stopping";
    wslay_event_queue_close(ctx_, 1001, reinterpret_cast<const uint8_t*>(kReason), sizeof kReason - 1);
    flush_frames();
    conn_.close();
  }

 private:
  static ssize_t recv_callback(wslay_event_context_ptr ctx, uint8_t* buf, size_t length, int, void* user) {
    auto* self = static_cast<WebSocketStream*>(user);
    size_t available = self->input_.size() - self->input_read_;
    if (available == 0) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
      return -1;
    }
    size_t n = std::min(length, available);
    std::copy_n(self->input_.data() + self->input_read_, n, buf);
    self->input_read_ += n;
    return static_cast<ssize_t>(n);
  }

  static ssize_t send_callback(wslay_event_context_ptr, const uint8_t* data, size_t length, int, void* user) {
    auto* self = static_cast<WebSocketStream*>(user);
    // Dropped bytes count as taken: the connection is going away, and wslay need not know.
    SendResult sent = self->conn_.send(std::string_view(reinterpret_cast<const char*>(data), length));
    self->sent_ = std::max(self->sent_, sent);
    return static_cast<ssize_t>(length);
  }

  static void message_callback(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
    auto* self = static_cast<WebSocketStream*>(user);
    if (arg->opcode != WSLAY_TEXT_FRAME) return;  // control frames are wslay's; binary is not ours
    self->on_message(std::string_view(reinterpret_cast<const char*>(arg->msg), arg->msg_length));
  }

  void on_message(std::string_view text) {
    nlohmann::json message = nlohmann::json::parse(text, nullptr, false);
    std::string type = message.is_object() && message.contains("type") && message["type"].is_string()
                           ? message["type"].get<std::string>()
                           : std::string();
    if (type == "ping") {
      queue_text(nlohmann::json({{"type", "pong"}, {"seq", server_.core().log_info().head_seq}}).dump());
    } else if (type == "resume" && message.contains("after") && message["after"].is_number_integer() &&
               message["after"].get<int64_t>() >= 0) {
      Status status = subscribe(message["after"].get<int64_t>());
      if (!status.ok()) queue_text(error_json(status.code(), status.message()));
    } else {
      queue_text(error_json(Code::invalid_argument,
                            "expected {\"type\":\"resume\",\"after\":N} or {\"type\":\"ping\"}"));
    }
  }

  static std::string error_json(Code code, const std::string& message) {
    return nlohmann::json({{"type", "error"}, {"code", code_name(code)}, {"message", message}})
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  ServerLoop& server_;
  Connection& conn_;
  EventFilter filter_;
  wslay_event_context_ptr ctx_ = nullptr;
  std::unique_ptr<StreamSubscription> subscription_;
  std::string input_;
  size_t input_read_ = 0;
  SendResult sent_ = SendResult::sent;  // the worst answer to the frames of one wslay_event_send
};

}  // namespace

void open_websocket(RouteContext& ctx) {
  const Request& request = ctx.request;
  auto upgrade = request.header("upgrade");
  auto key = request.header("sec-websocket-key");
  auto version = request.header("sec-websocket-version");
  if (!request.upgrade || !upgrade || !contains_token(*upgrade, "websocket") || !key || key->empty()) {
    ctx.conn.respond(error_response(Code::invalid_argument, "/ws speaks WebSocket only (Upgrade: websocket)"));
    return;
  }
  if (!version || *version != "13") {
    Response response = error_response(Code::invalid_argument, "WebSocket version 13 is required");
    response.headers.emplace_back("Sec-WebSocket-Version", "13");
    ctx.conn.respond(std::move(response));
    return;
  }
  auto cursor = stream_cursor(request);
  if (!cursor.ok()) {
    ctx.conn.respond(error_response(cursor.status()));
    return;
  }
  auto stream = std::make_unique<WebSocketStream>(ctx.server, ctx.conn, api::event_filter(request.query));
  if (!stream->init()) {
    ctx.conn.respond(error_response(Code::internal, "could not start the WebSocket"));
    return;
  }
  LogInfo info = ctx.server.core().log_info();
  if (Status status = stream->subscribe(cursor.value()); !status.ok()) {
    ctx.conn.respond(error_response(status));
    return;
  }
  std::string head =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      websocket_accept(*key) + "\r\n\r\n";
  WebSocketStream* raw = stream.get();
  ctx.conn.begin_stream(101, head, std::move(stream));
  raw->queue_text(hello_json(info));
  raw->flush_frames();
}

}  // namespace jobwire::http
