// GET /api/events/stream: Server-Sent Events. One frame per event (id = seq, event = type,
// data = the envelope serialized once by the store), `retry:` on open, `: hb` comments as
// heartbeat, and resume from Last-Event-ID.
#include <algorithm>

#include "http/connection.h"
#include "http/stream_subscription.h"
#include "http/handlers.h"
#include "api/query.h"
#include "http/server_loop.h"
#include "http/session.h"
#include "http/sse_frames.h"
#include "http/stream_cursor.h"
#include "http/stream_delivery.h"

namespace jobwire::http {
namespace {

// How long a browser's EventSource waits before reconnecting.
constexpr const char* kRetry = "retry: 2000\n\n";

class SseStream final : public Session {
 public:
  SseStream(ServerLoop& server, Connection& conn, std::unique_ptr<StreamSubscription> subscription)
      : server_(server), conn_(conn), subscription_(std::move(subscription)) {}

  Transport transport() const override { return Transport::sse; }
  bool takes_over() const override { return true; }
  void on_data(const char*, size_t) override {}  // an EventSource sends nothing after its request

  void on_ready() override {
    deliver_to_socket(*server_.mailbox(), conn_, *subscription_, [this](Delivery& delivery) {
      SendResult sent = SendResult::sent;
      if (delivery.reset) sent = std::max(sent, send_control("reset", delivery.cursor));
      if (delivery.gap) sent = std::max(sent, send_gap(delivery.cursor));
      for (const EventPtr& event : delivery.events)
        sent = std::max(sent, conn_.send(server_.sse_frames().frame(*event)));
      server_.metrics().deliveries[static_cast<size_t>(Transport::sse)] += delivery.events.size();
      return sent;
    });
  }

  // A comment while all is well (EventSource ignores it: it only keeps the link alive); a
  // `heartbeat` event while the store cannot be reached, and one more when it is back, so
  // a client can show "Delayed" and then "Live".
  void on_heartbeat() override {
    const bool delayed = server_.store_delayed();
    if (delayed || told_delayed_) {
      conn_.send("event: heartbeat\ndata: " + heartbeat_json(subscription_ ? subscription_->cursor() : 0, delayed) + "\n\n");
      told_delayed_ = delayed;
    } else {
      conn_.send(": hb\n\n");
    }
    conn_.flush();
  }

  void on_shutdown() override { conn_.close(); }

  void on_stalled() override { subscription_->shed(); }

  void on_stall_close() override { send_gap(subscription_->cursor()); }

 private:
  SendResult send_gap(int64_t cursor) {
    ++server_.metrics().gaps[static_cast<size_t>(Transport::sse)];
    return send_control("gap", cursor);
  }

  SendResult send_control(const char* type, int64_t cursor) {
    std::string frame = "event: ";
    frame += type;
    frame += "\ndata: ";
    frame += control_json(type, cursor);
    frame += "\n\n";
    return conn_.send(frame);
  }

  ServerLoop& server_;
  Connection& conn_;
  std::unique_ptr<StreamSubscription> subscription_;
  bool told_delayed_ = false;  // the last heartbeat said the store was unreachable
};

}  // namespace

void open_sse(RouteContext& ctx) {
  auto cursor = stream_cursor(ctx.request);
  if (!cursor.ok()) {
    ctx.conn.respond(error_response(cursor.status()));
    return;
  }
  LogInfo info = ctx.server.core().log_info();
  auto subscription = StreamSubscription::open(ctx.server, ctx.conn.id(), cursor.value(), api::event_filter(ctx.request.query));
  if (!subscription.ok()) {
    ctx.conn.respond(error_response(subscription.status()));
    return;
  }
  bool ready = subscription.value()->ready();
  Response head;
  ctx.server.access().add_cors(ctx.request, head);
  std::string out =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n"
      "Connection: keep-alive\r\n";
  for (const auto& [name, value] : head.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += kRetry;
  out += "event: hello\ndata: " + hello_json(info) + "\n\n";
  auto* stream = new SseStream(ctx.server, ctx.conn, std::move(subscription).value());
  ctx.conn.begin_stream(200, out, std::unique_ptr<Session>(stream));
  if (ready) ctx.server.mailbox()->post_ready(ctx.conn.id());
}

}  // namespace jobwire::http
