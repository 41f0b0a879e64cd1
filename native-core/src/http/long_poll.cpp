#include "http/long_poll.h"

#include "http/connection.h"
#include "api/json_text.h"
#include "http/server_loop.h"

namespace jobwire::http {

void LongPoll::start(ServerLoop& server, Connection& conn, int64_t after, EventFilter filter, size_t limit,
                     uint64_t wait_ms) {
  auto subscription = StreamSubscription::open(server, conn.id(), after, std::move(filter));
  if (!subscription.ok()) {
    conn.respond(error_response(subscription.status()));
    return;
  }
  bool ready = subscription.value()->ready();
  auto* poll = new LongPoll(server, conn, std::move(subscription).value(), limit);
  conn.attach(std::unique_ptr<Session>(poll));
  uv_timer_start(poll->timer_, &LongPoll::on_timeout, wait_ms, 0);
  // An event committed between the first read and the subscription is already waiting.
  if (ready) server.mailbox()->post_ready(conn.id());
}

LongPoll::LongPoll(ServerLoop& server, Connection& conn, std::unique_ptr<StreamSubscription> subscription, size_t limit)
    : server_(server), conn_(conn), subscription_(std::move(subscription)), limit_(limit), timer_(new uv_timer_t) {
  uv_timer_init(server.loop(), timer_);
  timer_->data = this;
}

LongPoll::~LongPoll() {
  uv_close(reinterpret_cast<uv_handle_t*>(timer_), [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
}

void LongPoll::on_ready() {
  if (answered_) return;
  Delivery delivery = subscription_->take(limit_);
  if (delivery.reset) {
    answered_ = true;
    conn_.respond(error_response(Code::reset, "the cursor is older than the retained log: refetch snapshots"));
    return;
  }
  if (delivery.events.empty()) return;  // everything was filtered out: keep waiting
  answer(delivery.events, delivery.cursor);
}

void LongPoll::on_timeout(uv_timer_t* timer) {
  auto* self = static_cast<LongPoll*>(timer->data);
  Connection& conn = self->conn_;
  if (!self->answered_) self->answer({}, self->subscription_->cursor());
  conn.release_retired();
}

void LongPoll::on_shutdown() {
  if (!answered_) answer({}, subscription_->cursor());
}

void LongPoll::answer(const std::vector<EventPtr>& events, int64_t next) {
  answered_ = true;
  uv_timer_stop(timer_);
  server_.metrics().deliveries[static_cast<size_t>(Transport::long_poll)] += events.size();
  // Last: respond() retires this session.
  conn_.respond(json_response(api::events_body(events, next)));
}

}  // namespace jobwire::http
