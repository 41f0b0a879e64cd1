#include "core/core_impl.h"

#include "core/write_keys.h"
#include "store/job_writer.h"

#include "hub/log_subscription.h"
#include "model/validation.h"

namespace jobwire {

namespace {

Status invalid(std::string message) { return {Code::invalid_argument, std::move(message)}; }
Status closed_status() { return {Code::closed, "the core is closed"}; }

// Runs `read` on the store and lets `teach` give the ETag memory the seq of each job the
// read found, as learn(id, updated_seq). The memory's generation is taken before the read
// begins (etag_cache.h says why).
template <class Read, class Teach>
auto read_teaching(Store& store, EtagCache& etags, Read read, Teach teach) {
  const uint64_t generation = etags.generation();
  auto result = store.read(read);
  if (result.ok()) teach(result.value(), [&](const std::string& id, int64_t seq) { etags.learn(id, seq, generation); });
  return result;
}

constexpr size_t kMaxEventsPerRead = 10'000;
constexpr int64_t kMaxJobsPerPage = 1'000;
constexpr int64_t kMaxLogLinesPerPage = 10'000;

}  // namespace

Result<std::shared_ptr<Core>> Core::open(const CoreOptions& options) {
  if (options.store.empty()) return invalid("store must name a SQLite file or a PostgreSQL URL");
  if (options.subscriber_queue_limit == 0) return invalid("subscriber_queue_limit must be at least 1");
  if (options.max_group == 0) return invalid("max_group must be at least 1");
  if (options.retention_events < 0 || options.retention_ms < 0) return invalid("retention must not be negative");
  if (options.idempotency_key_ms < 1 || options.idempotency_key_count < 1)
    return invalid("idempotency keys must be kept for at least 1 ms and 1 key");
  auto hub = std::make_shared<Hub>(options.subscriber_queue_limit);
  auto etags = std::make_shared<EtagCache>();
  auto store = open_store(options, [hub, etags](const std::vector<EventPtr>& events) {
    etags->record(events);
    hub->publish(events);
  });
  if (!store.ok()) return store.status();
  return std::shared_ptr<Core>(std::make_shared<CoreImpl>(options, hub, etags, std::move(store).value()));
}

CoreImpl::CoreImpl(const CoreOptions& options, std::shared_ptr<Hub> hub, std::shared_ptr<EtagCache> etags,
                   std::shared_ptr<Store> store)
    : options_(options), hub_(std::move(hub)), etags_(std::move(etags)), store_(std::move(store)) {}

CoreImpl::~CoreImpl() { close(); }

void CoreImpl::submit(const Status& check, WriteDone& done, Result<std::optional<WriteKey>> key,
                      std::function<Result<Committed>(JobWriter&, int64_t)> apply) {
  if (!check.ok()) return done(check);
  if (!key.ok()) return done(key.status());
  if (closed_.load()) return done(closed_status());
  if (key.value()) {
    apply = [key = std::move(*key.value()), apply = std::move(apply)](JobWriter& w, int64_t now) {
      return w.once(key, now, [&] { return apply(w, now); });
    };
  }
  store_->submit(WriteRequest{std::move(apply), std::move(done)});
}

// Each write's canonical request (write_keys.h) names the operation and every argument that
// changes what it commits.
void CoreImpl::create_job(NewJob job, WriteDone done, WriteOptions options) {
  Status check = check_new_job(job);
  auto key = write_key(options, [&] {
    return json::array({"create_job", job.id ? json(*job.id) : json(), job.type, job.project,
                        job.parent ? json(*job.parent) : json(), job.priority,
                        job.file_path ? json(*job.file_path) : json(), job.policy_name ? json(*job.policy_name) : json(),
                        job.output_path ? json(*job.output_path) : json(),
                        job.summary_json ? json(*job.summary_json) : json()});
  });
  submit(check, done, std::move(key),
         [job = std::move(job)](JobWriter& w, int64_t now) { return w.create_job(job, now); });
}

void CoreImpl::set_status(std::string id, JobStatus status, std::optional<std::string> error_message,
                          WriteDone done, WriteOptions options) {
  Status check = check_name("id", id);
  if (check.ok() && error_message) check = check_text("error_message", *error_message, limits::kMessageLength);
  auto key = write_key(options, [&] {
    return json::array({"set_status", id, job_status_name(status), error_message ? json(*error_message) : json()});
  });
  submit(check, done, std::move(key),
         [id = std::move(id), status, error = std::move(error_message)](JobWriter& w, int64_t now) {
           return w.set_status(id, status, error, now);
         });
}

void CoreImpl::set_progress(std::string id, double percent, WriteDone done, WriteOptions options) {
  Status check = check_name("id", id);
  if (check.ok()) check = check_progress(percent);
  auto key = write_key(options, [&] { return json::array({"set_progress", id, percent}); });
  submit(check, done, std::move(key),
         [id = std::move(id), percent](JobWriter& w, int64_t now) { return w.set_progress(id, percent, now); });
}

void CoreImpl::update_job(std::string id, JobPatch patch, WriteDone done, WriteOptions options) {
  Status check = check_name("id", id);
  if (check.ok()) check = check_patch(patch);
  auto key = write_key(options, [&] {
    auto text = [](const std::optional<std::string>& value) { return value ? json(*value) : json(); };
    return json::array({"update_job", id, text(patch.summary_json), text(patch.validation_json),
                        text(patch.error_message), text(patch.output_path), text(patch.file_path),
                        text(patch.policy_name), patch.priority ? json(*patch.priority) : json()});
  });
  submit(check, done, std::move(key), [id = std::move(id), patch = std::move(patch)](JobWriter& w, int64_t now) {
    return w.update_job(id, patch, now);
  });
}

void CoreImpl::append_log(std::string id, std::vector<std::string> lines, WriteDone done, WriteOptions options) {
  Status check = check_name("id", id);
  if (check.ok()) check = check_log_lines(lines);
  auto key = write_key(options, [&] { return json::array({"append_log", id, lines}); });
  submit(check, done, std::move(key), [id = std::move(id), lines = std::move(lines)](JobWriter& w, int64_t now) {
    return w.append_log(id, lines, now);
  });
}

void CoreImpl::register_file(std::string id, std::string path, FileChange change, WriteDone done,
                             WriteOptions options) {
  Status check = check_name("id", id);
  if (check.ok() && path.empty()) check = invalid("path must not be empty");
  if (check.ok()) check = check_text("path", path, limits::kTextLength);
  auto key = write_key(options, [&] { return json::array({"register_file", id, path, file_change_name(change)}); });
  submit(check, done, std::move(key),
         [id = std::move(id), path = std::move(path), change](JobWriter& w, int64_t now) {
           return w.register_file(id, path, change, now);
         });
}

void CoreImpl::emit(std::string type, std::optional<std::string> job, std::string data_json, WriteDone done,
                    WriteOptions options) {
  Status check = check_custom_event_type(type);
  if (check.ok() && job) check = check_name("job", *job);
  if (check.ok()) check = check_json("data", data_json);
  auto key = write_key(options, [&] { return json::array({"emit", type, job ? json(*job) : json(), data_json}); });
  submit(check, done, std::move(key),
         [type = std::move(type), job = std::move(job), data = std::move(data_json)](JobWriter& w, int64_t now) {
           return w.emit(type, job, data, now);
         });
}

// Reads check their names as writes do (validation.h), so a malformed id is invalid_argument
// on every path, not a search for a job that cannot exist.
Result<Job> CoreImpl::get_job(const std::string& id) {
  if (closed_.load()) return closed_status();
  if (Status check = check_name("id", id); !check.ok()) return check;
  return read_teaching(*store_, *etags_, [&](StoreReader& r) { return r.get_job(id); },
                       [](const Job& job, auto learn) { learn(job.id, job.updated_seq); });
}

Result<JobPage> CoreImpl::list_jobs(const JobFilter& filter) {
  if (closed_.load()) return closed_status();
  if (filter.offset < 0) return invalid("offset must not be negative");
  if (filter.limit < 1 || filter.limit > kMaxJobsPerPage) return invalid("limit must be from 1 to 1000");
  return read_teaching(*store_, *etags_, [&](StoreReader& r) { return r.list_jobs(filter); },
                       [](const JobPage& page, auto learn) {
                         for (const Job& job : page.jobs) learn(job.id, job.updated_seq);
                       });
}

Result<LogPage> CoreImpl::get_logs(const std::string& id, int64_t offset, int64_t limit) {
  if (closed_.load()) return closed_status();
  if (Status check = check_name("id", id); !check.ok()) return check;
  if (offset < 0) return invalid("offset must not be negative");
  if (limit < 1 || limit > kMaxLogLinesPerPage) return invalid("limit must be from 1 to 10000");
  return read_teaching(*store_, *etags_, [&](StoreReader& r) { return r.get_logs(id, offset, limit); },
                       [&](const LogPage& page, auto learn) { learn(id, page.changed_seq); });
}

Result<FileList> CoreImpl::list_files(const std::string& id) {
  if (closed_.load()) return closed_status();
  if (Status check = check_name("id", id); !check.ok()) return check;
  return read_teaching(*store_, *etags_, [&](StoreReader& r) { return r.list_files(id); },
                       [&](const FileList& list, auto learn) { learn(id, list.changed_seq); });
}

Result<JobSet> CoreImpl::get_jobs(const std::vector<std::string>& ids) {
  if (closed_.load()) return closed_status();
  if (ids.empty()) return invalid("ids must name at least one job");
  if (ids.size() > kMaxJobIds) return invalid("ids names " + std::to_string(ids.size()) + " jobs; at most " + std::to_string(kMaxJobIds) + " are allowed");
  for (const std::string& id : ids)
    if (Status check = check_name("id", id); !check.ok()) return check;
  return read_teaching(*store_, *etags_, [&](StoreReader& r) { return r.get_jobs(ids); },
                       [](const JobSet& set, auto learn) {
                         for (const Job& job : set.jobs) learn(job.id, job.updated_seq);
                       });
}

Result<FileChanges> CoreImpl::file_changes(const std::string& project, int64_t since_seq) {
  if (closed_.load()) return closed_status();
  if (Status check = check_name("project", project); !check.ok()) return check;
  if (since_seq < 0) return invalid("since_seq must not be negative");
  return store_->read([&](StoreReader& r) { return r.file_changes(project, since_seq); });
}

Result<EventPage> CoreImpl::events_after(int64_t after, size_t limit, const EventFilter& filter) {
  if (closed_.load()) return closed_status();
  if (after < 0) return invalid("the cursor must not be negative");
  if (limit < 1 || limit > kMaxEventsPerRead) return invalid("limit must be from 1 to 10000");
  return store_->read_log(after, limit, filter, 0);
}

Result<EventPage> CoreImpl::events_since(int64_t since_ms, size_t limit) {
  if (closed_.load()) return closed_status();
  if (limit < 1 || limit > kMaxEventsPerRead) return invalid("limit must be from 1 to 10000");
  int64_t head = store_->head_seq();
  auto page = store_->read([&](StoreReader& r) { return r.events_since(since_ms, limit); });
  if (page.ok() && page.value().events.empty()) page.value().next = head;
  return page;
}

LogInfo CoreImpl::log_info() const {
  return {store_->epoch(), store_->head_seq(), store_->oldest_seq(), store_->reachable()};
}

StoreStats CoreImpl::store_stats() const { return store_->stats(); }

std::optional<int64_t> CoreImpl::job_etag(const std::string& id) const { return etags_->find(id); }

Result<std::shared_ptr<Subscription>> CoreImpl::subscribe(SubscribeOptions options) {
  if (closed_.load()) return closed_status();
  if (options.after && *options.after < 0) return invalid("the cursor must not be negative");
  size_t limit = options.queue_limit ? options.queue_limit : options_.subscriber_queue_limit;
  // Reading the head and attaching under the publish lock: every later event reaches the
  // queue, every earlier one is in the log.
  std::shared_ptr<SubscriptionQueue> queue;
  int64_t head = hub_->locked([&] {
    queue = hub_->attach_locked(std::move(options.filter), limit, options_.progress_flush_ms, options.wake);
    return store_->head_seq();
  });
  const int64_t cursor = options.after.value_or(head);
  const bool catching_up = cursor != head;
  auto subscription = std::make_shared<LogSubscription>(hub_, store_, queue, cursor, catching_up);
  if (catching_up && options.wake) options.wake();
  return std::shared_ptr<Subscription>(std::move(subscription));
}

void CoreImpl::close() {
  if (closed_.exchange(true)) return;
  store_->close();  // commits what is queued; its events still reach the subscribers
  hub_->close_all();
}

}  // namespace jobwire
