// The facade of the native core: open a store, write changes, read snapshots, subscribe.
//
// Threads: writes are queued to one writer thread that commits them in groups (group
// commit) and calls each `done` callback on that thread after its transaction committed,
// or at once with the refusal. Reads run on the calling thread against a reader
// connection. Committed events reach subscriptions through the hub without ever making a
// producer wait. The store behind it is SQLite or PostgreSQL (CoreOptions::store); the
// contract is the same on both (store/store.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "jobwire/options.h"
#include "jobwire/status.h"
#include "jobwire/subscription.h"
#include "jobwire/write.h"

namespace jobwire {

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
