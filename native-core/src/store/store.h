// The store: where jobs and the event log are kept. Two implementations stand side by side,
// SQLite (store/sqlite/, one process) and PostgreSQL (store/pg/, any number of processes on
// one database); the core, the hub, the HTTP path and the addon know only this interface.
//
// The contract, on both:
// - Atomic: a write's change to its job and its event commit in one transaction, with the
//   idempotency key it came with. A group of writes shares a transaction; a write refused
//   by its rules leaves nothing behind, and a group the database fails leaves nothing at all.
// - Acknowledged means committed: a write's `done` runs only after its transaction
//   committed (or with its refusal), never before.
// - Seqs are dense and total: 1, 2, 3, … with no gap, each event's seq greater than every
//   event committed before it, on every process sharing the store.
// - Published in order: on_commit receives every committed event exactly once, in seq order,
//   in batches; head_seq() is the last seq published. A reader is never handed seq N+1
//   while seq N can still commit.
// - Retention prunes the start of the log by count and by age; a cursor behind it (or
//   beyond the head: another store) is answered `reset`, never a silent hole.
// - The epoch is made once when the store is created and kept in it: every process opening
//   the same store reports the same one.
// - Reads see one committed snapshot each, so what a read reports and the seq it reports
//   with always agree.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hub/log_source.h"
#include "jobwire/job.h"
#include "jobwire/options.h"
#include "jobwire/write.h"

namespace jobwire {

class JobWriter;

// Snapshot reads, on a connection borrowed for one call.
class StoreReader {
 public:
  virtual ~StoreReader() = default;
  virtual Result<Job> get_job(const std::string& id) = 0;
  virtual Result<JobPage> list_jobs(const JobFilter& filter) = 0;
  virtual Result<LogPage> get_logs(const std::string& id, int64_t offset, int64_t limit) = 0;
  virtual Result<FileList> list_files(const std::string& id) = 0;
  virtual Result<JobSet> get_jobs(const std::vector<std::string>& ids) = 0;
  virtual Result<FileChanges> file_changes(const std::string& project, int64_t since_seq) = 0;
  // Events with after < seq < below (below 0: no bound), scanning at most `scan` rows when
  // filtered; `next` is the last seq passed. `reset` when `after` is behind retention or
  // beyond the head.
  virtual Result<EventPage> read_events(int64_t after, size_t limit, const EventFilter& filter, int64_t below,
                                        size_t scan) = 0;
  virtual Result<EventPage> events_since(int64_t since_ms, size_t limit) = 0;
};

// One write, as the group commit runs it: `apply` makes the change inside the open
// transaction; `done` hears the outcome after the commit.
struct WriteRequest {
  std::function<Result<Committed>(JobWriter&, int64_t now_ms)> apply;
  WriteDone done;
};

class Store : public LogSource {
 public:
  // Runs on a store thread with each batch of newly committed events, in seq order.
  using OnCommit = std::function<void(const std::vector<EventPtr>&)>;

  // Queues a write for the next group; answers `closed` at once after close().
  virtual void submit(WriteRequest request) = 0;
  // Runs `use` with a reader; answers `closed` after close(), or the error that kept a
  // reader from being had (`unavailable` when the database cannot be reached).
  virtual Status with_reader(const std::function<void(StoreReader&)>& use) = 0;
  virtual int64_t oldest_seq() const = 0;
  virtual const std::string& epoch() const = 0;
  virtual StoreStats stats() const = 0;
  // False while the database cannot be reached (an embedded file always can).
  virtual bool reachable() const { return true; }
  // Writes everything queued, stops the writer; reads answer `closed` afterwards.
  virtual void close() = 0;

  // Runs a read on a borrowed reader and hands back its result.
  template <class Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<StoreReader&>())) {
    using Answer = decltype(fn(std::declval<StoreReader&>()));
    std::optional<Answer> answer;
    Status s = with_reader([&](StoreReader& reader) { answer.emplace(fn(reader)); });
    if (!s.ok()) return s;
    return std::move(*answer);
  }
};

// Opens the store that options.store names: SQLite for a path, PostgreSQL for a URL.
Result<std::shared_ptr<Store>> open_store(const CoreOptions& options, Store::OnCommit on_commit);

}  // namespace jobwire
