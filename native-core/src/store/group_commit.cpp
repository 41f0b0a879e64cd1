#include "store/group_commit.h"

#include <algorithm>
#include <iterator>

#include "model/wall_clock.h"
#include "platform/platform.h"

namespace jobwire {

namespace {

constexpr int64_t kMinPruneStep = 1024;

}  // namespace

GroupCommit::GroupCommit(JobWriter& writer, std::mutex& writer_turn, size_t max_group, RetentionPolicy retention,
                         std::function<void(const std::vector<EventPtr>&)> on_commit,
                         std::function<void(int64_t)> on_pruned, std::function<void()> between_groups)
    : writer_(writer),
      writer_turn_(writer_turn),
      max_group_(max_group),
      retention_(retention),
      on_commit_(std::move(on_commit)),
      on_pruned_(std::move(on_pruned)),
      between_groups_(std::move(between_groups)) {
  thread_ = std::thread([this] { run(); });
}

GroupCommit::~GroupCommit() { close(); }

void GroupCommit::submit(WriteRequest request) {
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      queue_.push_back(std::move(request));
      if (queue_.size() == 1) cv_.notify_one();
      queued = true;
    }
  }
  spent_.release();
  if (!queued) request.done(Status{Code::closed, "the core is closed"});
}

void GroupCommit::close() {
  {
    std::lock_guard lock(mu_);
    if (closing_ && !thread_.joinable()) return;
    closing_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void GroupCommit::run() {
  platform::name_this_thread("jobwire-writer");
  std::vector<WriteRequest> group;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (queue_.empty()) {
        // Idle: no submit may come soon to release the last group's requests.
        lock.unlock();
        spent_.release();
        lock.lock();
      }
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing, and everything queued is written
      if (queue_.size() <= max_group_) {
        group.swap(queue_);
      } else {
        auto end = queue_.begin() + static_cast<std::ptrdiff_t>(max_group_);
        group.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
      }
    }
    {
      std::lock_guard turn(writer_turn_);
      write_group(group);
    }
    spent_.give(group);
    group = spent_.spare();
    between_groups_();
  }
}

void GroupCommit::write_group(std::vector<WriteRequest>& group) {
  const int64_t now = writer_.clock(wall_clock_ms());
  std::vector<Result<Committed>>& results = results_;
  std::vector<EventPtr>& events = events_;
  results.clear();
  events.clear();

  Status failure = writer_.begin();
  if (failure.ok()) {
    for (auto& request : group) {
      results.push_back(request.apply(writer_, now));
      if (writer_.broken()) {
        failure = results.back().status();
        results.pop_back();  // that write failed in the store, not by refusal
        break;
      }
      // A replayed answer committed nothing new: its event was published the first time.
      if (results.back().ok() && !results.back().value().replayed) events.push_back(results.back().value().event);
    }
  }
  // Retention deletes ride in the same transaction, at most twice the group's own rows, so
  // pruning keeps pace with any write rate without a transaction (or a stall) of its own.
  const int64_t pruned_before = writer_.pruned_through();
  if (failure.ok()) {
    auto pruned = writer_.prune(retention_.keep_events, retention_.keep_ms, now,
                                std::max<int64_t>(kMinPruneStep, 2 * static_cast<int64_t>(group.size())));
    if (!pruned.ok()) failure = pruned.status();
  }
  if (failure.ok()) failure = writer_.commit();
  else writer_.rollback();

  if (!failure.ok()) {
    // Nothing of this group was written: refusals keep their reason, every other write fails,
    // `unavailable` when the store said the condition passes (a lock, a full disk, a database
    // that cannot be reached), else io_error.
    const Code code = failure.code() == Code::unavailable ? Code::unavailable : Code::io_error;
    for (size_t i = 0; i < group.size(); ++i) {
      bool refused = i < results.size() && !results[i].ok();
      group[i].done(refused ? std::move(results[i]) : Result<Committed>(Status{code, failure.message()}));
    }
    return;
  }
  if (writer_.pruned_through() != pruned_before) on_pruned_(writer_.pruned_through());
  on_commit_(events);
  events.clear();
  for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(results[i]));
  results.clear();
}

}  // namespace jobwire
