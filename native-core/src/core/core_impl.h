// The Core facade over a store (SQLite or PostgreSQL), the hub and the ETag cache.
#pragma once

#include <atomic>
#include <memory>

#include "core/etag_cache.h"
#include "hub/hub.h"
#include "jobwire/core.h"
#include "store/store.h"
#include "store/write_key.h"

namespace jobwire {

class CoreImpl final : public Core {
 public:
  CoreImpl(const CoreOptions& options, std::shared_ptr<Hub> hub, std::shared_ptr<EtagCache> etags,
           std::shared_ptr<Store> store);
  ~CoreImpl() override;

  using Core::append_log;
  using Core::create_job;
  using Core::emit;
  using Core::register_file;
  using Core::set_progress;
  using Core::set_status;
  using Core::update_job;

  void create_job(NewJob job, WriteDone done, WriteOptions options) override;
  void set_status(std::string id, JobStatus status, std::optional<std::string> error_message, WriteDone done,
                  WriteOptions options) override;
  void set_progress(std::string id, double percent, WriteDone done, WriteOptions options) override;
  void update_job(std::string id, JobPatch patch, WriteDone done, WriteOptions options) override;
  void append_log(std::string id, std::vector<std::string> lines, WriteDone done, WriteOptions options) override;
  void register_file(std::string id, std::string path, FileChange change, WriteDone done,
                     WriteOptions options) override;
  void emit(std::string type, std::optional<std::string> job, std::string data_json, WriteDone done,
            WriteOptions options) override;

  Result<Job> get_job(const std::string& id) override;
  Result<JobPage> list_jobs(const JobFilter& filter) override;
  Result<LogPage> get_logs(const std::string& id, int64_t offset, int64_t limit) override;
  Result<FileList> list_files(const std::string& id) override;
  Result<JobSet> get_jobs(const std::vector<std::string>& ids) override;
  Result<FileChanges> file_changes(const std::string& project, int64_t since_seq) override;
  Result<EventPage> events_after(int64_t after, size_t limit, const EventFilter& filter) override;
  Result<EventPage> events_since(int64_t since_ms, size_t limit) override;
  LogInfo log_info() const override;
  StoreStats store_stats() const override;
  uint64_t queue_drops() const override { return hub_->queue_drops(); }
  std::optional<int64_t> job_etag(const std::string& id) const override;

  Result<std::shared_ptr<Subscription>> subscribe(SubscribeOptions options) override;

  void close() override;
  bool closed() const override { return closed_.load(); }

 private:
  // Refuses at once (on this thread) when `check` or the key failed or the core is closed;
  // queues otherwise, once per idempotency key.
  void submit(const Status& check, WriteDone& done, Result<std::optional<WriteKey>> key,
              std::function<Result<Committed>(JobWriter&, int64_t)> apply);

  const CoreOptions options_;
  std::shared_ptr<Hub> hub_;
  std::shared_ptr<EtagCache> etags_;
  std::shared_ptr<Store> store_;
  std::atomic<bool> closed_{false};
};

}  // namespace jobwire
