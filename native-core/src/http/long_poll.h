// GET /api/events?wait=S with nothing to answer yet: the request waits on a subscription
// and is answered the moment an event arrives, or empty when S seconds have passed.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>

#include "http/stream_subscription.h"
#include "http/session.h"

namespace jobwire::http {

class Connection;
class ServerLoop;

class LongPoll final : public Session {
 public:
  // Parks the connection's request after cursor `after`; answers within `wait_ms`.
  static void start(ServerLoop& server, Connection& conn, int64_t after, EventFilter filter, size_t limit,
                    uint64_t wait_ms);
  ~LongPoll() override;

  Transport transport() const override { return Transport::long_poll; }
  bool takes_over() const override { return false; }
  void on_data(const char*, size_t) override {}
  void on_ready() override;
  void on_heartbeat() override {}
  void on_shutdown() override;

 private:
  LongPoll(ServerLoop& server, Connection& conn, std::unique_ptr<StreamSubscription> subscription, size_t limit);
  static void on_timeout(uv_timer_t* timer);
  void answer(const std::vector<EventPtr>& events, int64_t next);

  ServerLoop& server_;
  Connection& conn_;
  std::unique_ptr<StreamSubscription> subscription_;
  size_t limit_;
  uv_timer_t* timer_;  // heap: closing is asynchronous and may outlive this object
  bool answered_ = false;
};

}  // namespace jobwire::http
