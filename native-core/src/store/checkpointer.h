// Copies the WAL back into the database file on its own thread and connection, so the
// writer never stalls on a checkpoint's fsync (SQLite's auto-checkpoint would run it
// inside a commit). PASSIVE checkpoints never block the writer or the readers.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite_db.h"

namespace jobwire {

class Checkpointer {
 public:
  Status start(const std::string& path, int interval_ms);
  // Runs a last checkpoint and joins the thread. Idempotent.
  void stop();
  ~Checkpointer() { stop(); }

 private:
  void run();

  SqliteDb db_;
  int interval_ms_ = 200;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jobwire
