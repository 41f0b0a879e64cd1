// Reads run off the loop thread: a read that takes long (here a real core whose reads are
// slowed on purpose by a decorator, as a cold disk or a huge page would be) delays neither a
// live SSE stream on the same server nor the acknowledgement of writes; a client that leaves
// while its read is in flight, and a server stopped with reads in flight, are both safe.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "http_client.h"
#include "server_threads.h"
#include "jobwire/server.h"
#include "temp_store.h"

using namespace jobwire;
using jobwire_test::HttpClient;
using jobwire_test::status_of;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kSlowRead = std::chrono::milliseconds(600);

template <class Read>
auto slow(Read&& read) {
  std::this_thread::sleep_for(kSlowRead);
  return read();
}

// The real core, with every snapshot read made kSlowRead slower: the store test hook.
class SlowReads final : public Core {
 public:
  explicit SlowReads(std::shared_ptr<Core> core) : core_(std::move(core)) {}

  void create_job(NewJob job, WriteDone done, WriteOptions options) override {
    core_->create_job(std::move(job), std::move(done), std::move(options));
  }
  void set_status(std::string id, JobStatus status, std::optional<std::string> error, WriteDone done,
                  WriteOptions options) override {
    core_->set_status(std::move(id), status, std::move(error), std::move(done), std::move(options));
  }
  void set_progress(std::string id, double percent, WriteDone done, WriteOptions options) override {
    core_->set_progress(std::move(id), percent, std::move(done), std::move(options));
  }
  void update_job(std::string id, JobPatch patch, WriteDone done, WriteOptions options) override {
    core_->update_job(std::move(id), std::move(patch), std::move(done), std::move(options));
  }
  void append_log(std::string id, std::vector<std::string> lines, WriteDone done, WriteOptions options) override {
    core_->append_log(std::move(id), std::move(lines), std::move(done), std::move(options));
  }
  void register_file(std::string id, std::string path, FileChange change, WriteDone done,
                     WriteOptions options) override {
    core_->register_file(std::move(id), std::move(path), change, std::move(done), std::move(options));
  }
  void emit(std::string type, std::optional<std::string> job, std::string data, WriteDone done,
            WriteOptions options) override {
    core_->emit(std::move(type), std::move(job), std::move(data), std::move(done), std::move(options));
  }

  Result<Job> get_job(const std::string& id) override { return slow([&] { return core_->get_job(id); }); }
  Result<JobPage> list_jobs(const JobFilter& filter) override {
    return slow([&] { return core_->list_jobs(filter); });
  }
  Result<LogPage> get_logs(const std::string& id, int64_t offset, int64_t limit) override {
    return slow([&] { return core_->get_logs(id, offset, limit); });
  }
  Result<FileList> list_files(const std::string& id) override { return slow([&] { return core_->list_files(id); }); }
  Result<JobSet> get_jobs(const std::vector<std::string>& ids) override {
    return slow([&] { return core_->get_jobs(ids); });
  }
  Result<FileChanges> file_changes(const std::string& project, int64_t since_seq) override {
    return slow([&] { return core_->file_changes(project, since_seq); });
  }
  Result<EventPage> events_after(int64_t after, size_t limit, const EventFilter& filter) override {
    return core_->events_after(after, limit, filter);
  }
  Result<EventPage> events_since(int64_t since_ms, size_t limit) override {
    return slow([&] { return core_->events_since(since_ms, limit); });
  }
  LogInfo log_info() const override { return core_->log_info(); }
  StoreStats store_stats() const override { return core_->store_stats(); }
  uint64_t queue_drops() const override { return core_->queue_drops(); }
  std::optional<int64_t> job_etag(const std::string& id) const override { return core_->job_etag(id); }
  Result<std::shared_ptr<Subscription>> subscribe(SubscribeOptions options) override {
    auto subscription = core_->subscribe(std::move(options));
    if (!subscription.ok()) return subscription;
    return std::shared_ptr<Subscription>(std::make_shared<SlowCatchUp>(std::move(subscription).value()));
  }
  void close() override { core_->close(); }
  bool closed() const override { return core_->closed(); }

 private:
  // A real subscription whose takes from the log (catching up) are made kSlowRead slower.
  class SlowCatchUp final : public Subscription {
   public:
    explicit SlowCatchUp(std::shared_ptr<Subscription> real) : real_(std::move(real)) {}
    Delivery take(size_t max) override {
      if (real_->reads_log()) std::this_thread::sleep_for(kSlowRead);
      return real_->take(max);
    }
    bool ready() const override { return real_->ready(); }
    bool reads_log() const override { return real_->reads_log(); }
    int64_t cursor() const override { return real_->cursor(); }
    void shed() override { real_->shed(); }
    void close() override { real_->close(); }

   private:
    std::shared_ptr<Subscription> real_;
  };

  std::shared_ptr<Core> core_;
};

// A server on a slowed real core, with a running job to read.
struct SlowServer {
  SlowServer() {
    core = std::make_shared<SlowReads>(jobwire_test::open_core(dir.file("jobs.db")));
    ServerOptions options;
    options.port = 0;
    options.token = "secret";
    options.threads = jobwire_test::server_threads();
    auto started = Server::start(core, std::move(options));
    INFO(started.status().message());
    REQUIRE(started.ok());
    server = std::move(started).value();
    job_id = jobwire_test::running_job(*core);
  }
  ~SlowServer() {
    server->stop();
    core->close();
  }

  jobwire_test::TempDir dir;
  std::shared_ptr<SlowReads> core;
  std::unique_ptr<Server> server;
  std::string job_id;
};

struct Slowest {
  Clock::duration answer{};    // a write's HTTP answer
  Clock::duration delivery{};  // its log line reaching `stream`, after the answer
};

// Appends 40 log lines "<prefix>-<i>-end" over HTTP, one at a time, calling before(i) first;
// each is acknowledged, then read from `stream`.
Slowest write_and_watch(SlowServer& slow, HttpClient& stream, const std::string& prefix,
                        const std::function<void(int)>& before = {}) {
  HttpClient writer(slow.server->port());
  Slowest slowest;
  size_t seen = 0;
  for (int i = 0; i < 40; ++i) {
    if (before) before(i);
    std::string marker = prefix + "-" + std::to_string(i) + "-end";
    auto sent = Clock::now();
    auto answer = writer.request("POST", "/api/jobs/" + slow.job_id + "/logs", R"({"lines":[")" + marker + R"("]})",
                                 "Authorization: Bearer secret\r\n");
    REQUIRE(status_of(answer) == 201);
    auto acked = Clock::now();
    const std::string& got = stream.read_until(marker, seen);
    REQUIRE(got.find(marker, seen) != std::string::npos);
    seen = got.find(marker, seen);
    slowest.answer = std::max(slowest.answer, acked - sent);
    slowest.delivery = std::max(slowest.delivery, Clock::now() - acked);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return slowest;
}

}  // namespace

TEST_CASE("http slow reads: a stream's events and write answers are not held up by slow reads") {
  SlowServer slow;
  auto& server = slow.server;
  const std::string& id = slow.job_id;

  HttpClient stream(server->port());
  stream.send("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  REQUIRE(stream.read_until("event: hello").find("event: hello") != std::string::npos);

  // Readers keep slow reads in flight on several connections for the whole test.
  std::atomic<bool> reading{true};
  std::atomic<int> reads_answered{0};
  std::vector<std::thread> readers;
  for (const std::string& target : std::vector<std::string>{"/api/jobs/" + id, "/api/jobs", "/api/jobs/" + id + "/logs",
                                    "/api/jobs?ids=" + id, "/api/jobs/" + id + "/files"}) {
    readers.emplace_back([&, target] {
      HttpClient client(server->port());
      while (reading) {
        if (status_of(client.request("GET", target)) == 200) ++reads_answered;
      }
    });
  }

  // Each write over HTTP is acknowledged, then its log line arrives on the stream; neither
  // waits for the reads.
  Slowest slowest = write_and_watch(slow, stream, "line");
  reading = false;
  for (auto& reader : readers) reader.join();

  using std::chrono::milliseconds;
  INFO("slowest write answer " << std::chrono::duration_cast<milliseconds>(slowest.answer).count()
                               << " ms, slowest delivery " << std::chrono::duration_cast<milliseconds>(slowest.delivery).count()
                               << " ms, reads answered " << reads_answered.load());
  // A read on the loop thread would hold each of these for whole reads (600 ms each); off
  // it, they take milliseconds (the bound leaves room for sanitizer builds on a busy machine).
  CHECK(slowest.answer < kSlowRead / 2);
  CHECK(slowest.delivery < kSlowRead / 2);
  CHECK(reads_answered.load() >= 5);
}

TEST_CASE("http slow reads: a client gone before its read returns, and a stop with reads in flight, are safe") {
  SlowServer slow;
  auto& server = slow.server;
  const std::string& id = slow.job_id;
  {
    HttpClient gone(server->port());
    gone.send(jobwire_test::request_bytes("GET", "/api/jobs/" + id));
    gone.reset();
  }
  HttpClient waiting(server->port());
  waiting.send(jobwire_test::request_bytes("GET", "/api/jobs/" + id + "/logs"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // stop() waits for the read in flight and answers it before the connection closes.
  server->stop();
  std::string answer = waiting.response();
  CHECK(status_of(answer) == 200);
}

TEST_CASE("http slow reads: streams catching up from the log hold up neither a live stream nor write answers") {
  SlowServer slow;
  auto& server = slow.server;
  const std::string& id = slow.job_id;
  Core& core = *slow.core;  // the blocking forms
  for (int i = 0; i < 20; ++i) REQUIRE(core.append_log(id, std::vector<std::string>{"before-" + std::to_string(i)}).ok());

  HttpClient live(server->port());
  live.send("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  REQUIRE(live.read_until("event: hello").find("event: hello") != std::string::npos);

  // Every fifth write, another stream resumes from the start of the log: its catch-up read
  // takes 600 ms, while the live stream's events and the writes' answers go on.
  std::vector<std::unique_ptr<HttpClient>> resuming;
  Slowest slowest = write_and_watch(slow, live, "live", [&](int i) {
    if (i % 5 != 0) return;
    resuming.push_back(std::make_unique<HttpClient>(server->port()));
    resuming.back()->send("GET /api/events/stream?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  });
  using std::chrono::milliseconds;
  INFO("slowest write answer " << std::chrono::duration_cast<milliseconds>(slowest.answer).count()
                               << " ms, slowest live delivery " << std::chrono::duration_cast<milliseconds>(slowest.delivery).count() << " ms");
  CHECK(slowest.answer < kSlowRead / 2);
  CHECK(slowest.delivery < kSlowRead / 2);

  // Each resumed stream gets the whole log, in order, from the first line to the last write.
  for (auto& stream : resuming) {
    const std::string& got = stream->read_until("live-39-end");
    size_t at = 0;
    for (const std::string& line : {std::string("before-0"), std::string("before-19"), std::string("live-0-end"),
                                    std::string("live-39-end")}) {
      size_t found = got.find(line, at);
      INFO(line);
      REQUIRE(found != std::string::npos);
      at = found;
    }
  }
}
