#include "http/stream_subscription.h"

#include "http/server_loop.h"

namespace jobwire::http {

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
  return std::unique_ptr<StreamSubscription>(new StreamSubscription(std::move(subscription).value(), std::move(posted)));
}

StreamSubscription::~StreamSubscription() { subscription_->close(); }

Delivery StreamSubscription::take(size_t max) {
  // Cleared before taking: an event committed during the take wakes us again.
  posted_->store(false);
  return subscription_->take(max);
}

}  // namespace jobwire::http
