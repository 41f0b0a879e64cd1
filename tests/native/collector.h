// A subscription consumer on its own thread, the way the addon and the HTTP loop use one:
// wake signals, the thread takes until nothing is ready.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "jobwire/core.h"

namespace jobwire_test {

class Collector {
 public:
  explicit Collector(jobwire::Core& core, jobwire::SubscribeOptions options = {}) {
    options.wake = [this] {
      std::lock_guard lock(mu_);
      woken_ = true;
      cv_.notify_one();
    };
    auto sub = core.subscribe(std::move(options));
    REQUIRE(sub.ok());
    subscription_ = sub.value();
    thread_ = std::thread([this] { run(); });
  }
  ~Collector() { stop(); }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    subscription_->close();
  }

  // Waits until the subscription's cursor reaches `seq` (or the timeout passes).
  bool wait_for_cursor(int64_t seq, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    return progress_.wait_for(lock, timeout, [&] { return cursor_ >= seq; });
  }

  std::vector<jobwire::EventPtr> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  int gaps() const { return gaps_.load(); }
  int resets() const { return resets_.load(); }

 private:
  void run() {
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return woken_ || stopping_; });
        if (stopping_) return;
        woken_ = false;
      }
      while (subscription_->ready()) {
        jobwire::Delivery d = subscription_->take(512);
        if (d.gap) ++gaps_;
        if (d.reset) ++resets_;
        std::lock_guard lock(mu_);
        for (auto& e : d.events) events_.push_back(e);
        cursor_ = d.cursor;
        progress_.notify_all();
      }
    }
  }

  std::shared_ptr<jobwire::Subscription> subscription_;
  std::mutex mu_;
  std::condition_variable cv_, progress_;
  bool woken_ = false;
  bool stopping_ = false;
  int64_t cursor_ = 0;
  std::vector<jobwire::EventPtr> events_;
  std::atomic<int> gaps_{0}, resets_{0};
  std::thread thread_;
};

// Every seq from first to last exactly once, in order.
inline bool contiguous(const std::vector<jobwire::EventPtr>& events, int64_t first, int64_t last) {
  if (static_cast<int64_t>(events.size()) != last - first + 1) return false;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i]->seq != first + static_cast<int64_t>(i)) return false;
  return true;
}

}  // namespace jobwire_test
