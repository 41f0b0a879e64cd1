// `jobwired --demo`: a producer thread that keeps a realistic stream of jobs going through
// the core's blocking write API: builds with subjobs, progress, log lines, files, custom
// x.* events, and a share of failures and cancellations. About 20 events a second at
// speed 1.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "jobwire/core.h"

namespace jobwire::daemon {

class DemoProducer {
 public:
  DemoProducer(std::shared_ptr<Core> core, double speed);
  ~DemoProducer();
  void start();
  // Returns once the thread has finished its current write.
  void stop();

 private:
  enum class Outcome { complete, fail, cancel };
  struct ActiveJob {
    std::string id;
    std::string type;
    int step = 0;
    int steps = 0;
    Outcome outcome = Outcome::complete;
  };

  void run();
  void tick();
  void start_tree();
  void advance(ActiveJob& job);
  bool chance(double p);

  std::shared_ptr<Core> core_;
  double speed_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::mt19937 rng_{std::random_device{}()};
  std::vector<ActiveJob> active_;
  int made_ = 0;
};

}  // namespace jobwire::daemon
