// The PostgreSQL store: any number of processes (jobwired instances, apps with the addon)
// share one database and one gap-free log. Each process has a writer connection behind its
// own group commit (PgWriter: the log's writers are serialised by an advisory lock, which
// keeps seqs dense and committing in order), a small pool of reader connections, and a
// follower (PgFollower) that reads what every process commits into this process's hub.
//
// Publishing: a process's own groups go to the hub at once when they follow the last
// published seq (its clients see their own writes without a round trip); anything else is
// read from the table by the follower. Either way each event is published once, in seq
// order.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "store/group_commit.h"
#include "store/reader_pool.h"
#include "store/pg/pg_follower.h"
#include "store/pg/pg_reader.h"
#include "store/pg/pg_writer.h"
#include "store/store.h"

namespace jobwire {

class PgStore final : public Store {
 public:
  static Result<std::shared_ptr<PgStore>> open(const CoreOptions& options, OnCommit on_commit);
  ~PgStore() override;

  void submit(WriteRequest request) override;
  Status with_reader(const std::function<void(StoreReader&)>& use) override;
  Result<EventPage> read_log(int64_t after, size_t limit, const EventFilter& filter, int64_t below) override;
  int64_t head_seq() const override { return head_seq_.load(std::memory_order_acquire); }
  int64_t oldest_seq() const override { return pruned_through_.load(std::memory_order_acquire) + 1; }
  const std::string& epoch() const override { return epoch_; }
  StoreStats stats() const override { return {}; }
  bool reachable() const override { return reachable_.load(std::memory_order_relaxed); }
  void close() override;

 private:
  PgStore(const CoreOptions& options, OnCommit on_commit);
  // Publishes the events that follow the last published seq; with `from_log`, a hole in
  // front of them (retention pruned it while this process was away) is stepped over.
  void publish(const std::vector<EventPtr>& events, bool from_log);
  // Retention only moves forward, but the writer and the follower report it from two
  // connections: a follower's read that began before this writer's prune committed would
  // move it back, and a cursor the log no longer holds would look retained.
  void advance_pruned_through(int64_t pruned_through);

  OnCommit on_commit_;
  std::string epoch_;
  PgWriter writer_;
  std::mutex writer_turn_;
  std::unique_ptr<GroupCommit> commit_;
  std::unique_ptr<PgFollower> follower_;
  std::mutex publish_mu_;
  std::atomic<int64_t> head_seq_{0};
  std::atomic<int64_t> pruned_through_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> reachable_{true};
  ReaderPool<PgReader> readers_;
};

}  // namespace jobwire
