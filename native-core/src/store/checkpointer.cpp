#include "store/checkpointer.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>

namespace jobwire {

namespace {
// Passes taken alongside the writer before the last one that holds it off; each copies what
// arrived during the one before, so the last has little left to copy and sync.
constexpr int kConvergingPasses = 3;
}  // namespace

Status Checkpointer::start(const std::string& path, int interval_ms, int64_t restart_bytes,
                           std::mutex& writer_turn) {
  Status s = db_.open(path, /*read_only=*/false);
  // A connection learns the file is in WAL mode when it first reads it; until then a
  // checkpoint call on it does nothing at all.
  if (s.ok()) s = db_.exec("PRAGMA journal_mode=WAL");
  if (!s.ok()) return s;
  {
    Statement page_size(db_.handle(), "PRAGMA page_size");
    if (!page_size.step()) return page_size.status();
    restart_frames_ = static_cast<int>(std::max<int64_t>(1, restart_bytes / page_size.int64(0)));
  }  // finalized before the thread uses the connection
  interval_ms_ = interval_ms;
  writer_turn_ = &writer_turn;
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int Checkpointer::checkpoint() {
  int wal_frames = -1, copied_frames = -1;
  // A busy or locked database just waits for the next round.
  sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied_frames);
  return wal_frames;
}

void Checkpointer::run() {
  pthread_setname_np(pthread_self(), "jobwire-ckpt");
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [&] { return stopping_; })) {
    lock.unlock();
    // A pass counts only the frames there when it began; commits went on meanwhile.
    if (checkpoint() > restart_frames_) {
      for (int i = 0; i < kConvergingPasses; ++i) checkpoint();
      std::lock_guard turn(*writer_turn_);
      checkpoint();
    }
    lock.lock();
  }
  checkpoint();
}

}  // namespace jobwire
