// The SQLite store: one writer connection behind the group commit, and a pool of reader
// connections for snapshot reads on the callers' threads (WAL lets them run alongside). One
// process at a time: a file lock keeps a second one out.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "store/group_commit.h"
#include "store/reader_pool.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/sqlite_reader.h"
#include "store/sqlite/sqlite_writer.h"
#include "store/sqlite/store_lock.h"
#include "store/store.h"

namespace jobwire {

class SqliteStore final : public Store {
 public:
  static Result<std::shared_ptr<SqliteStore>> open(const CoreOptions& options, OnCommit on_commit);
  ~SqliteStore() override;

  void submit(WriteRequest request) override;
  Status with_reader(const std::function<void(StoreReader&)>& use) override;
  Result<EventPage> read_log(int64_t after, size_t limit, const EventFilter& filter, int64_t below) override;
  int64_t head_seq() const override { return head_seq_.load(std::memory_order_acquire); }
  int64_t oldest_seq() const override;
  const std::string& epoch() const override { return epoch_; }
  StoreStats stats() const override { return checkpointer_.stats(writer_.wal_frames()); }
  void close() override;

 private:
  SqliteStore() = default;

  std::string epoch_;
  StoreLock lock_;
  SqliteWriter writer_;
  std::mutex writer_turn_;
  Checkpointer checkpointer_;
  std::unique_ptr<GroupCommit> commit_;
  std::atomic<int64_t> head_seq_{0};
  std::atomic<int64_t> pruned_through_{0};
  std::atomic<bool> closed_{false};
  std::unique_ptr<ReaderPool<SqliteReader>> readers_;
};

}  // namespace jobwire
