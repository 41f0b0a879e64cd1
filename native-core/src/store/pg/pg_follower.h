// Brings what other processes commit to a PostgreSQL store into this process's hub. A thread
// LISTENs for the writers' NOTIFY and then reads the new events from the events table, once
// and in seq order, from the last seq this process published. The NOTIFY only says "read";
// a missed or coalesced one, or a dropped connection, costs at most catch_up_ms, because the
// thread also reads when nothing has arrived for that long, and reconnects with backoff.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "jobwire/event.h"
#include "jobwire/options.h"
#include "store/pg/pg_conn.h"

namespace jobwire {

class PgFollower {
 public:
  struct Hooks {
    std::function<int64_t()> published;                        // the last seq this process published
    std::function<void(const std::vector<EventPtr>&)> publish;  // events after it, in seq order
    std::function<void(int64_t)> pruned;                       // retention's mark, as read
    std::function<void(bool)> reachable;                       // the database answers, or not
  };
  PgFollower(std::string conninfo, PostgresOptions options, Hooks hooks);
  ~PgFollower();
  void start();
  void stop();

 private:
  void run();
  Status connect();
  // Reads and publishes everything after the published seq.
  Status catch_up();
  // Waits for a NOTIFY, for catch_up_ms, or for stop(); false when stopping.
  bool wait();
  bool sleep_for(int ms);

  const std::string conninfo_;
  const PostgresOptions options_;
  const Hooks hooks_;
  std::optional<PgConn> conn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace jobwire
