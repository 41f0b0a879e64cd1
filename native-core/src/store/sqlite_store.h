// The SQLite store: one writer connection behind the group commit, and a pool of reader
// connections for snapshot reads on the callers' threads (WAL lets them run alongside).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "hub/log_source.h"
#include "jobwire/core.h"
#include "store/checkpointer.h"
#include "store/group_commit.h"
#include "store/sqlite_reader.h"
#include "store/sqlite_writer.h"
#include "store/store_lock.h"

namespace jobwire {

class SqliteStore final : public LogSource {
 public:
  using OnCommit = std::function<void(const std::vector<EventPtr>&)>;
  static Result<std::shared_ptr<SqliteStore>> open(const CoreOptions& options, OnCommit on_commit);
  ~SqliteStore() override;

  void submit(WriteRequest request);
  // Writes everything queued, stops the writer; reads answer `closed` afterwards.
  void close();

  // Runs fn with a reader connection borrowed from the pool.
  template <class Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<SqliteReader&>())) {
    auto reader = borrow();
    if (!reader.ok()) return reader.status();
    auto result = fn(*reader.value());
    give_back(std::move(reader).value());
    return result;
  }

  Result<EventPage> read_log(int64_t after, size_t limit, const EventFilter& filter, int64_t below) override;
  int64_t head_seq() const override { return head_seq_.load(std::memory_order_acquire); }
  int64_t oldest_seq() const;
  const std::string& epoch() const noexcept { return epoch_; }
  StoreStats stats() const { return checkpointer_.stats(writer_.wal_frames()); }

 private:
  SqliteStore() = default;
  Result<std::unique_ptr<SqliteReader>> borrow();
  void give_back(std::unique_ptr<SqliteReader> reader);

  std::string path_;
  std::string epoch_;
  StoreLock lock_;
  SqliteWriter writer_;
  std::mutex writer_turn_;
  Checkpointer checkpointer_;
  std::unique_ptr<GroupCommit> commit_;
  std::atomic<int64_t> head_seq_{0};
  std::atomic<int64_t> pruned_through_{0};
  std::atomic<bool> closed_{false};
  mutable std::mutex pool_mu_;
  std::vector<std::unique_ptr<SqliteReader>> pool_;
};

}  // namespace jobwire
