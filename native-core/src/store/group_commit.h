// The writer thread. Requests that arrive while a transaction is being written wait and
// then share the next one: one BEGIN/COMMIT (and one fsync when durability asks) for the
// whole group. Each caller hears back only after its group committed.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/job_writer.h"
#include "store/store.h"
#include "sync/hand_back.h"

namespace jobwire {

struct RetentionPolicy {
  int64_t keep_events = 0;
  int64_t keep_ms = 0;
};

class GroupCommit {
 public:
  // on_commit runs on the writer thread with the group's events, before any caller's done;
  // on_pruned after retention moved the start of the log; between_groups after each group,
  // outside the writer's turn, and may hold the next group back.
  // The writer holds writer_turn while it writes a group (SQLite's checkpointer waits on it).
  GroupCommit(JobWriter& writer, std::mutex& writer_turn, size_t max_group, RetentionPolicy retention,
              std::function<void(const std::vector<EventPtr>&)> on_commit,
              std::function<void(int64_t pruned_through)> on_pruned, std::function<void()> between_groups);
  ~GroupCommit();

  // Queues a request; answers `closed` at once (on this thread) after close().
  void submit(WriteRequest request);
  // Commits everything queued, then stops and joins the thread. Idempotent.
  void close();

 private:
  void run();
  void write_group(std::vector<WriteRequest>& group);

  JobWriter& writer_;
  std::mutex& writer_turn_;
  const size_t max_group_;
  const RetentionPolicy retention_;
  std::function<void(const std::vector<EventPtr>&)> on_commit_;
  std::function<void(int64_t)> on_pruned_;
  std::function<void()> between_groups_;
  // The writer thread's, kept between groups so that a group allocates no array of its own.
  std::vector<Result<Committed>> results_;
  std::vector<EventPtr> events_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WriteRequest> queue_;
  // Written and answered requests hold what their submitter allocated (their closures): the
  // next submit destroys them on its thread; an idle writer releases them itself.
  HandBack<WriteRequest> spent_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace jobwire
