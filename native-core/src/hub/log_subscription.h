// A subscription: reads the log while it is behind (after a resume or an overflow), then
// takes live events from its queue. The seam between the two is exact: the log is read up
// to the first seq the queue holds, and anything at or below the cursor is dropped.
#pragma once

#include <memory>
#include <mutex>

#include "hub/hub.h"
#include "hub/log_source.h"
#include "jobwire/subscription.h"

namespace jobwire {

class LogSubscription final : public Subscription {
 public:
  LogSubscription(std::shared_ptr<Hub> hub, std::shared_ptr<LogSource> log, std::shared_ptr<SubscriptionQueue> queue, int64_t cursor,
                  bool catching_up);
  ~LogSubscription() override;

  Delivery take(size_t max) override;
  bool ready() const override;
  bool reads_log() const override;
  int64_t cursor() const override;
  void shed() override;
  void close() override;

 private:
  void take_live(size_t max, Delivery& out);
  void catch_up(size_t max, Delivery& out);

  // Shared with the core so a subscription outliving close() stays safe to use.
  std::shared_ptr<Hub> hub_;
  std::shared_ptr<LogSource> log_;
  std::shared_ptr<SubscriptionQueue> queue_;
  mutable std::mutex mu_;
  int64_t cursor_;
  bool catching_up_;
  bool gap_to_report_ = false;
  bool closed_ = false;
};

}  // namespace jobwire
