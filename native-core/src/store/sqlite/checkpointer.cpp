#include "store/sqlite/checkpointer.h"

#include <algorithm>
#include <chrono>

#include "platform/platform.h"

namespace jobwire {

namespace {
// Passes taken alongside the writer before the last one that holds it off; each copies what
// arrived during the one before, so the last has little left to copy and sync.
constexpr int kConvergingPasses = 3;
}  // namespace

Status Checkpointer::start(const std::string& path, int interval_ms, int64_t restart_bytes, int64_t limit_bytes,
                           std::mutex& writer_turn) {
  Status s = db_.open(path, /*read_only=*/false);
  // A connection learns the file is in WAL mode when it first reads it; until then a
  // checkpoint call on it does nothing at all.
  if (s.ok()) s = db_.exec("PRAGMA journal_mode=WAL");
  if (!s.ok()) return s;
  {
    Statement page_size(db_.handle(), "PRAGMA page_size");
    if (!page_size.step()) return page_size.status();
    page_bytes_ = page_size.int64(0);
    restart_frames_ = static_cast<int>(std::max<int64_t>(1, restart_bytes / page_bytes_));
    limit_frames_ = static_cast<int>(std::max<int64_t>(restart_frames_, limit_bytes / page_bytes_));
  }  // finalized before the thread uses the connection
  interval_ms_ = interval_ms;
  writer_turn_ = &writer_turn;
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void Checkpointer::wait_if_over_limit(int wal_frames) {
  if (wal_frames <= limit_frames_) return;
  std::unique_lock lock(mu_);
  const auto began = std::chrono::steady_clock::now();
  // A cycle already under way may have taken its last pass before the writer's last group.
  const uint64_t through = cycles_done_ + (in_cycle_ ? 2 : 1);
  urgent_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return stopping_ || cycles_done_ >= through; });
  ++limit_waits_;
  limit_waited_ += std::chrono::steady_clock::now() - began;
}

StoreStats Checkpointer::stats(int wal_frames) const {
  // SQLite's WAL: a 32-byte header, then each frame's 24-byte header and page.
  const int64_t wal_bytes = wal_frames > 0 ? 32 + wal_frames * (24 + page_bytes_) : 0;
  std::lock_guard lock(mu_);
  return {wal_bytes, limit_waits_, std::chrono::duration<double>(limit_waited_).count()};
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int Checkpointer::checkpoint() {
  int wal_frames = -1, copied_frames = -1;
  // A busy or locked database just waits for the next round.
  sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied_frames);
  return wal_frames;
}

void Checkpointer::restart_cycle() {
  for (int i = 0; i < kConvergingPasses; ++i) checkpoint();
  std::lock_guard turn(*writer_turn_);
  checkpoint();
}

void Checkpointer::run() {
  platform::name_this_thread("jobwire-ckpt");
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [&] { return stopping_ || urgent_; });
    if (stopping_) break;
    const bool urgent = urgent_;
    urgent_ = false;
    in_cycle_ = true;
    lock.unlock();
    // A pass counts only the frames there when it began; commits went on meanwhile.
    if (checkpoint() > restart_frames_ || urgent) restart_cycle();
    lock.lock();
    in_cycle_ = false;
    ++cycles_done_;
    cv_.notify_all();
  }
  lock.unlock();
  checkpoint();
}

}  // namespace jobwire
