#include "store/checkpointer.h"

#include <pthread.h>

#include <chrono>

namespace jobwire {

Status Checkpointer::start(const std::string& path, int interval_ms) {
  Status s = db_.open(path, /*read_only=*/false);
  if (!s.ok()) return s;
  interval_ms_ = interval_ms;
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

void Checkpointer::run() {
  pthread_setname_np(pthread_self(), "jobwire-ckpt");
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [&] { return stopping_; })) {
    lock.unlock();
    // A busy or locked database just waits for the next round.
    db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
    lock.lock();
  }
  db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
}

}  // namespace jobwire
