// Copies the WAL back into the database file on its own thread and connection, so the
// writer never stalls on a checkpoint's fsync (SQLite's auto-checkpoint would run it
// inside a commit). PASSIVE checkpoints never block the writer or the readers.
//
// Under a steady stream of commits a PASSIVE checkpoint never quite catches up, and SQLite
// only starts the WAL over from its beginning once every frame is back in the database;
// the WAL would grow without bound, each commit appending to fresh file blocks. So when the
// WAL is past restart_bytes the checkpointer makes a few more passes, each copying what came
// during the one before, then takes the writer's turn for a last short one: the next commit
// starts the WAL over.
//
// That bounds the WAL by what is written during one such cycle, which is short only while
// the disk copies faster than the writers write. Past limit_bytes the writer therefore waits
// for a cycle of its own before its next group (wait_if_over_limit).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "jobwire/write.h"
#include "store/sqlite/sqlite_db.h"

namespace jobwire {

class Checkpointer {
 public:
  // writer_turn is the mutex the writer holds while it writes a group.
  Status start(const std::string& path, int interval_ms, int64_t restart_bytes, int64_t limit_bytes,
               std::mutex& writer_turn);
  // Called by the writer between groups, with the WAL's frames after its last commit: past
  // the limit it runs a cycle at once and returns when that cycle is through (or on stop()).
  void wait_if_over_limit(int wal_frames);
  // The WAL's size from its frames, and how often and how long the writer was held back.
  StoreStats stats(int wal_frames) const;
  // Runs a last checkpoint and joins the thread. Idempotent.
  void stop();
  ~Checkpointer() { stop(); }

 private:
  void run();
  // Passes until the WAL is back in the database, the last one holding the writer's turn.
  void restart_cycle();
  // One PASSIVE pass; answers how many frames the WAL held when it began (-1: none ran).
  int checkpoint();

  SqliteDb db_;
  int interval_ms_ = 200;
  int64_t page_bytes_ = 0;
  int restart_frames_ = 0;
  int limit_frames_ = 0;
  std::mutex* writer_turn_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool urgent_ = false;       // the writer waits for a cycle
  bool in_cycle_ = false;
  uint64_t cycles_done_ = 0;  // each round of passes, counted when it is through
  uint64_t limit_waits_ = 0;
  std::chrono::steady_clock::duration limit_waited_{};
  std::thread thread_;
};

}  // namespace jobwire
