#include "http/stream_subscription.h"

#include <uv.h>

#include "http/server_loop.h"

namespace jobwire::http {
namespace {

struct PoolRead {
  uv_work_t request{};
  ServerLoop* server = nullptr;
  uint64_t id = 0;
  std::shared_ptr<Subscription> subscription;
  std::shared_ptr<StreamSubscription::Fetch> fetch;
};

void on_pool_thread(uv_work_t* request) {
  auto* read = static_cast<PoolRead*>(request->data);
  read->fetch->delivery = read->subscription->take(StreamSubscription::kPoolTake);
}

void back_on_loop(uv_work_t* request, int /*status: the pool never cancels*/) {
  std::unique_ptr<PoolRead> read(static_cast<PoolRead*>(request->data));
  read->fetch->running = false;
  read->fetch->next = 0;
  read->server->work_finished();
  if (read->fetch->abandoned) {
    read->subscription->close();
    return;
  }
  read->server->mailbox()->post_ready(read->id);
}

}  // namespace

Result<std::unique_ptr<StreamSubscription>> StreamSubscription::open(ServerLoop& server, uint64_t id, std::optional<int64_t> after,
                                         EventFilter filter) {
  auto posted = std::make_shared<std::atomic<bool>>(false);
  SubscribeOptions options;
  options.after = after;
  options.filter = std::move(filter);
  options.wake = [mailbox = server.mailbox(), posted, id] {
    if (!posted->exchange(true)) mailbox->post_ready(id);
  };
  auto subscription = server.core().subscribe(std::move(options));
  if (!subscription.ok()) return subscription.status();
  return std::unique_ptr<StreamSubscription>(
      new StreamSubscription(server, id, std::move(subscription).value(), std::move(posted)));
}

StreamSubscription::~StreamSubscription() {
  // A read on the pool holds the subscription; closing now would wait for it on this thread.
  if (fetch_->running) {
    fetch_->abandoned = true;
    return;
  }
  subscription_->close();
}

bool StreamSubscription::ready() const {
  if (fetch_->running) return false;
  return holds_fetched() || subscription_->ready();
}

Delivery StreamSubscription::take(size_t max) {
  if (fetch_->running) return Delivery{{}, false, false, handed_};
  if (holds_fetched()) return hand_out_fetched(max);
  // Cleared before taking: an event committed during the take wakes us again.
  posted_->store(false);
  if (subscription_->reads_log()) {
    read_on_pool();
    return Delivery{{}, false, false, handed_};
  }
  Delivery delivery = subscription_->take(max);
  handed_ = delivery.cursor;
  return delivery;
}

bool StreamSubscription::holds_fetched() const {
  const Delivery& fetched = fetch_->delivery;
  return fetch_->next < fetched.events.size() || fetched.gap || fetched.reset;
}

Delivery StreamSubscription::hand_out_fetched(size_t max) {
  Fetch& fetch = *fetch_;
  Delivery out;
  out.gap = std::exchange(fetch.delivery.gap, false);
  out.reset = std::exchange(fetch.delivery.reset, false);
  auto& events = fetch.delivery.events;
  while (fetch.next < events.size() && out.events.size() < max) out.events.push_back(std::move(events[fetch.next++]));
  if (fetch.next == events.size()) {
    handed_ = fetch.delivery.cursor;  // it passed everything it read, filtered or not
    events.clear();
    fetch.next = 0;
  } else {
    handed_ = out.events.back()->seq;
  }
  out.cursor = handed_;
  return out;
}

void StreamSubscription::read_on_pool() {
  auto read = std::make_unique<PoolRead>();
  read->request.data = read.get();
  read->server = &server_;
  read->id = id_;
  read->subscription = subscription_;
  read->fetch = fetch_;
  fetch_->running = true;
  server_.work_started();
  if (uv_queue_work(server_.loop(), &read->request, &on_pool_thread, &back_on_loop) != 0) {
    // No pool: read here rather than never.
    fetch_->running = false;
    server_.work_finished();
    fetch_->delivery = subscription_->take(kPoolTake);
    fetch_->next = 0;
    server_.mailbox()->post_ready(id_);
    return;
  }
  read.release();  // back_on_loop owns it now
}

}  // namespace jobwire::http
