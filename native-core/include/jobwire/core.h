// The facade of the native core: open a store, write changes, read snapshots, subscribe.
//
// Threads: writes are queued to one writer thread that commits them in groups (group
// commit) and calls each `done` callback on that thread after its transaction committed,
// or at once with the refusal. Reads run on the calling thread against a reader
// connection. Committed events reach subscriptions through the hub without ever making a
// producer wait.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire {

enum class Durability {
  process,  // WAL, synchronous=NORMAL: a committed write survives the process being killed
  power,    // WAL, synchronous=FULL: it also survives power loss (an fsync per group commit)
};

struct CoreOptions {
  std::string path = "jobwire.db";  // the SQLite file
  Durability durability = Durability::process;
  int64_t retention_events = 1'000'000;
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;
  size_t subscriber_queue_limit = 10'000;
  // An undrained job.progress is replaced by a newer one for the same job when the two are
  // less than this far apart. 0 turns coalescing off.
  int progress_flush_ms = 250;
  size_t max_group = 4096;  // most writes one transaction takes
  // Past this size the WAL starts over from its beginning, even under a steady stream of
  // writes (store/checkpointer.h says how).
  int64_t wal_restart_bytes = 16 << 20;
  // Past this size writes wait until the WAL has started over: where the disk cannot keep up,
  // it sets the write pace and the WAL stays bounded. Not below wal_restart_bytes.
  int64_t wal_limit_bytes = 64 << 20;
  // How long and how many idempotency keys are kept (WriteOptions): a retry within this
  // window is answered from the first commit; past it, the key is forgotten.
  int64_t idempotency_key_ms = 24LL * 3600 * 1000;
  int64_t idempotency_key_count = 100'000;
};

// What a caller may add to any write.
struct WriteOptions {
  // A producer-chosen key (1 to 200 bytes) for one logical write. The first write with it
  // commits and stores its Committed in the same transaction; a later write with the same key
  // and the same request commits nothing and is answered with that stored Committed
  // (`replayed`); with the same key and another request it is refused with `conflict`. A
  // refused write stores nothing, so its key may be used again.
  std::optional<std::string> idempotency_key;
};

// What a write leaves behind: the job as it is after the change (absent for an x.* event
// tied to no job) and the event that was stored for it.
struct Committed {
  std::optional<Job> job;
  EventPtr event;
  // Answered from an idempotency key's stored result: nothing new was committed, and `job`
  // and `event` are as the first write with that key left them.
  bool replayed = false;
};

using WriteDone = std::function<void(Result<Committed>)>;

// What a subscription hands over on each take.
struct Delivery {
  std::vector<EventPtr> events;  // in seq order, each seq above the previous take's
  bool gap = false;    // the queue overflowed; `events` continue from the log without a hole
  bool reset = false;  // the cursor fell behind retention: refetch snapshots; continues live
  int64_t cursor = 0;  // the last seq this subscription has passed (delivered or filtered)
};

struct LogInfo {
  std::string epoch;       // made when the store was created
  int64_t head_seq = 0;    // the newest committed seq
  int64_t oldest_seq = 1;  // the oldest retained seq (head_seq + 1 when the log is empty)
};

// How the store keeps pace with the writes (for /metrics).
struct StoreStats {
  int64_t wal_bytes = 0;             // the WAL after the last commit, from where it last started over
  uint64_t wal_limit_waits = 0;      // groups held back because the WAL was past wal_limit_bytes
  double wal_limit_wait_seconds = 0; // how long the writer was held back, in all
};

class Subscription {
 public:
  virtual ~Subscription() = default;
  // Takes up to `max` events. Reads the log on this thread while catching up (after a
  // resume or a gap); otherwise only swaps the queue. Call from one thread at a time.
  virtual Delivery take(size_t max) = 0;
  // True when a take would return something now.
  virtual bool ready() const = 0;
  virtual int64_t cursor() const = 0;
  // The consumer cannot take for a while (its socket stopped): the queue is dropped now
  // rather than left to fill up, and the next take reports a gap and catches up from the
  // log. Call from the thread that takes.
  virtual void shed() = 0;
  // Detaches from the hub. The wake callback is never called once close has returned.
  virtual void close() = 0;
};

struct SubscribeOptions {
  std::optional<int64_t> after;  // resume after this seq; absent: from the current head
  EventFilter filter;
  size_t queue_limit = 0;  // 0: CoreOptions::subscriber_queue_limit
  // Called from a core thread when the subscription turns ready. It must not block and must
  // not call take(); post to your own thread and take there. Wakeups may merge.
  std::function<void()> wake;
};

class Core {
 public:
  virtual ~Core() = default;

  // Opens (creating and migrating when needed) the store and starts the writer thread.
  static Result<std::shared_ptr<Core>> open(const CoreOptions& options);

  // Writes. Never block; `done` runs once, after commit, on the writer thread (or at once
  // on the calling thread when the request is refused before queuing).
  virtual void create_job(NewJob job, WriteDone done, WriteOptions options = {}) = 0;
  virtual void set_status(std::string id, JobStatus status, std::optional<std::string> error_message,
                          WriteDone done, WriteOptions options = {}) = 0;
  virtual void set_progress(std::string id, double percent, WriteDone done, WriteOptions options = {}) = 0;
  virtual void update_job(std::string id, JobPatch patch, WriteDone done, WriteOptions options = {}) = 0;
  virtual void append_log(std::string id, std::vector<std::string> lines, WriteDone done,
                          WriteOptions options = {}) = 0;
  virtual void register_file(std::string id, std::string path, FileChange change, WriteDone done,
                             WriteOptions options = {}) = 0;
  // A producer-defined event: `type` starts with "x.", `job` is optional, `data_json` any JSON.
  virtual void emit(std::string type, std::optional<std::string> job, std::string data_json, WriteDone done,
                    WriteOptions options = {}) = 0;

  // Blocking forms of the writes, for C++ producers: return after commit.
  Result<Committed> create_job(NewJob job, WriteOptions options = {});
  Result<Committed> set_status(std::string id, JobStatus status, std::optional<std::string> error_message = {},
                               WriteOptions options = {});
  Result<Committed> set_progress(std::string id, double percent, WriteOptions options = {});
  Result<Committed> update_job(std::string id, JobPatch patch, WriteOptions options = {});
  Result<Committed> append_log(std::string id, std::vector<std::string> lines, WriteOptions options = {});
  Result<Committed> register_file(std::string id, std::string path, FileChange change, WriteOptions options = {});
  Result<Committed> emit(std::string type, std::optional<std::string> job, std::string data_json,
                         WriteOptions options = {});

  // Reads, on the calling thread. Thread-safe.
  virtual Result<Job> get_job(const std::string& id) = 0;
  virtual Result<JobPage> list_jobs(const JobFilter& filter) = 0;
  virtual Result<LogPage> get_logs(const std::string& id, int64_t offset, int64_t limit) = 0;
  virtual Result<FileList> list_files(const std::string& id) = 0;
  // The jobs with these ids (at most kMaxJobIds, else invalid_argument), in one read.
  virtual Result<JobSet> get_jobs(const std::vector<std::string>& ids) = 0;
  // The latest change of each path that a job of `project` created, modified or deleted
  // after `since_seq`, read from the event log; `reset` when since_seq is older than
  // retention or beyond the head.
  virtual Result<FileChanges> file_changes(const std::string& project, int64_t since_seq) = 0;
  // Events with seq > after, at most `limit`; `reset` when `after` is older than retention
  // or newer than the head (another store).
  virtual Result<EventPage> events_after(int64_t after, size_t limit, const EventFilter& filter = {}) = 0;
  // Events with ts >= since_ms (the /api/status route), at most `limit`.
  virtual Result<EventPage> events_since(int64_t since_ms, size_t limit) = 0;
  virtual LogInfo log_info() const = 0;
  virtual StoreStats store_stats() const = 0;
  // Subscriber queues emptied so far because their consumer fell behind (each one's
  // subscriber is told `gap` and catches up from the log when it next takes).
  virtual uint64_t queue_drops() const = 0;
  // The seq of the last event that touched a job (its ETag), from memory; nullopt if unknown.
  virtual std::optional<int64_t> job_etag(const std::string& id) const = 0;

  virtual Result<std::shared_ptr<Subscription>> subscribe(SubscribeOptions options) = 0;

  // Commits every queued write, stops the writer and detaches every subscription. Later
  // calls answer `closed`. Idempotent.
  virtual void close() = 0;
  virtual bool closed() const = 0;
};

}  // namespace jobwire
