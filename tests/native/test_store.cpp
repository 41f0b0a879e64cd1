// The store contract through the Core facade, on every store (test_stores.h): writes,
// refusals, reads, paging, retention, reopening; and the SQLite store's own file and WAL rules.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/event_pool.h"
#include "temp_store.h"
#include "test_stores.h"

using namespace jobwire;
using namespace jobwire_test;
using nlohmann::json;

namespace {

std::vector<json> all_events(Core& core, int64_t after = 0) {
  std::vector<json> out;
  for (;;) {
    auto page = core.events_after(after, 1000);
    REQUIRE(page.ok());
    for (const auto& e : page.value().events) out.push_back(json::parse(e->json));
    if (page.value().events.empty()) return out;
    after = page.value().next;
  }
}

}  // namespace

TEST_CASE("store: every allowed transition is written with its event") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  for (auto path : std::vector<std::vector<JobStatus>>{{JobStatus::running, JobStatus::completed},
                                                       {JobStatus::running, JobStatus::failed},
                                                       {JobStatus::running, JobStatus::cancelled},
                                                       {JobStatus::cancelled},
                                                       {JobStatus::failed}}) {
    std::string id = create(*core);
    for (JobStatus next : path) {
      auto changed = core->set_status(id, next, next == JobStatus::failed ? std::optional<std::string>("boom")
                                                                          : std::nullopt);
      INFO(changed.status().message());
      REQUIRE(changed.ok());
      CHECK(changed.value().job->status == next);
      auto event = json::parse(changed.value().event->json);
      CHECK(event["type"] == "job.status");
      CHECK(event["data"]["status"] == job_status_name(next));
      CHECK(event["job"] == id);
    }
    auto job = core->get_job(id);
    REQUIRE(job.ok());
    CHECK(job.value().status == path.back());
    CHECK(job.value().completed_at_ms > 0);
    if (path.front() == JobStatus::running) CHECK(job.value().started_at_ms > 0);
    if (path.back() == JobStatus::completed) CHECK(job.value().progress_percent == 100);
    if (path.back() == JobStatus::failed) CHECK(job.value().error_message == "boom");
  }
}

TEST_CASE("store: a refused transition answers invalid_transition and writes nothing") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = create(*core);
  const int64_t head = core->log_info().head_seq;
  for (JobStatus bad : {JobStatus::completed, JobStatus::pending}) {
    auto refused = core->set_status(id, bad);
    CHECK(refused.status().code() == Code::invalid_transition);
  }
  REQUIRE(core->set_status(id, JobStatus::running).ok());
  REQUIRE(core->set_status(id, JobStatus::completed).ok());
  const int64_t after_completion = core->log_info().head_seq;
  for (JobStatus bad : {JobStatus::running, JobStatus::failed, JobStatus::cancelled, JobStatus::pending,
                        JobStatus::completed}) {
    CHECK(core->set_status(id, bad).status().code() == Code::invalid_transition);
  }
  CHECK(core->set_progress(id, 50).status().code() == Code::invalid_transition);
  CHECK(core->log_info().head_seq == after_completion);
  CHECK(after_completion == head + 2);
  CHECK(core->get_job(id).value().status == JobStatus::completed);
}

TEST_CASE("store: unknown jobs, bad progress and bad input are refused without writing") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = create(*core);
  const int64_t head = core->log_info().head_seq;
  CHECK(core->set_status("j_missing", JobStatus::running).status().code() == Code::not_found);
  CHECK(core->set_progress(id, 101).status().code() == Code::invalid_argument);
  CHECK(core->set_progress(id, -1).status().code() == Code::invalid_argument);
  CHECK(core->append_log(id, {}).status().code() == Code::invalid_argument);
  CHECK(core->append_log(id, {std::string("\xC3")}).status().code() == Code::invalid_argument);
  CHECK(core->emit("heartbeat", std::nullopt, "{}").status().code() == Code::invalid_argument);
  CHECK(core->emit("x.note", std::nullopt, "{not json").status().code() == Code::invalid_argument);
  CHECK(core->create_job(new_job(std::string(200, 't'))).status().code() == Code::invalid_argument);
  CHECK(core->register_file(id, "out/a.txt", FileChange::modified).status().code() == Code::not_found);
  NewJob duplicate = new_job();
  duplicate.id = id;
  CHECK(core->create_job(duplicate).status().code() == Code::conflict);
  CHECK(core->log_info().head_seq == head);
}

TEST_CASE("event pool: a released event is reused with its buffers, a held one never") {
  auto pool = std::make_shared<EventPool>();
  std::shared_ptr<Event> released = pool->make();
  released->json.assign(300, 'x');
  std::shared_ptr<Event> held = pool->make();
  held->json = "held";
  released.reset();
  std::shared_ptr<Event> next = pool->make();
  CHECK(next.get() != held.get());
  CHECK(held->json == "held");
  // Under ASan nothing is reused (event_pool.h): a new event starts with an empty envelope.
  CHECK((next->json.capacity() >= 300) == EventPool::kReuses);

  // A large envelope is freed, not kept: the next event starts with a small buffer.
  std::shared_ptr<Event> large = pool->make();
  large->json.assign(100'000, 'x');
  large.reset();
  CHECK(pool->make()->json.capacity() < 100'000);

  // An event released on another thread comes back too; one that outlives the pool's
  // owner stays valid and is freed with the pool.
  next->json.assign(300, 'y');
  std::thread([event = std::move(next)]() mutable { event.reset(); }).join();
  CHECK((pool->make()->json.capacity() >= 300) == EventPool::kReuses);
  std::shared_ptr<Event> survivor = pool->make();
  pool.reset();
  survivor->json = "still mine";
  CHECK(survivor->json == "still mine");
}

TEST_CASE("store: generated job ids are 15 characters, unique, and ordered by creation") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    ids.push_back(create(*core));
    if (i == 20) std::this_thread::sleep_for(std::chrono::milliseconds(3));  // a later millisecond too
  }
  for (const std::string& id : ids) {
    CHECK(id.size() == 15);
    CHECK(id.rfind("j_", 0) == 0);
    CHECK(id.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz", 2) == std::string::npos);
  }
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
}

TEST_CASE("store: subjob trees, and a job cannot be its own parent") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string root = create(*core, new_job("pipeline"));
  std::string child = create(*core, new_job("step", root));
  std::string grandchild = create(*core, new_job("step", child));
  CHECK(core->get_job(grandchild).value().parent == child);

  JobFilter children;
  children.parent = root;
  auto page = core->list_jobs(children);
  REQUIRE(page.ok());
  REQUIRE(page.value().jobs.size() == 1);
  CHECK(page.value().jobs[0].id == child);

  NewJob self = new_job("step", std::string("j_self"));
  self.id = "j_self";
  CHECK(core->create_job(self).status().code() == Code::invalid_argument);
  CHECK(core->create_job(new_job("step", std::string("j_nowhere"))).status().code() == Code::not_found);

  // One cursor for a whole tree: the root's filter takes the subjobs' events too.
  EventFilter tree;
  tree.job = root;
  REQUIRE(core->set_status(grandchild, JobStatus::running).ok());
  std::string unrelated = create(*core);
  REQUIRE(core->set_status(unrelated, JobStatus::running).ok());
  auto events = core->events_after(0, 100, tree);
  REQUIRE(events.ok());
  std::vector<std::string> jobs;
  for (const auto& e : events.value().events) jobs.push_back(e->job);
  CHECK(jobs == std::vector<std::string>{root, child, grandchild, grandchild});
  CHECK(events.value().next == core->log_info().head_seq);  // the cursor passes the filtered-out events
}

TEST_CASE("store: logs append with offsets and page") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = create(*core);
  auto first = core->append_log(id, {"line 0", "line 1", "line 2"});
  REQUIRE(first.ok());
  auto second = core->append_log(id, {"line 3", "line 4"});
  REQUIRE(second.ok());
  auto data = json::parse(second.value().event->json)["data"];
  CHECK(data["offset"] == 3);
  CHECK(data["lines"] == json::array({"line 3", "line 4"}));

  auto page = core->get_logs(id, 1, 2);
  REQUIRE(page.ok());
  CHECK(page.value().lines == std::vector<std::string>{"line 1", "line 2"});
  CHECK(page.value().total_lines == 5);
  CHECK(page.value().has_more);
  auto last = core->get_logs(id, 4, 10);
  CHECK(last.value().lines == std::vector<std::string>{"line 4"});
  CHECK_FALSE(last.value().has_more);
  // seq is the head the page reflects; changed_seq (its ETag) the job's last change.
  create(*core);
  auto after_another = core->get_logs(id, 0, 10);
  CHECK(after_another.value().seq == core->log_info().head_seq);
  CHECK(after_another.value().changed_seq == second.value().event->seq);
  CHECK(core->get_job(id).value().has_logs());
  CHECK(core->get_logs("j_missing", 0, 10).status().code() == Code::not_found);
  CHECK(core->get_logs(id, -1, 10).status().code() == Code::invalid_argument);
}

TEST_CASE("store: files are registered, modified and deleted") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = create(*core);
  auto created = core->register_file(id, "out/report.html", FileChange::created);
  REQUIRE(created.ok());
  auto file_id = json::parse(created.value().event->json)["data"]["file_id"];
  auto modified = core->register_file(id, "out/report.html", FileChange::modified);
  REQUIRE(modified.ok());
  CHECK(json::parse(modified.value().event->json)["data"]["file_id"] == file_id);
  REQUIRE(core->register_file(id, "out/log.txt", FileChange::created).ok());
  REQUIRE(core->register_file(id, "out/log.txt", FileChange::deleted).ok());
  auto files = core->list_files(id);
  REQUIRE(files.ok());
  REQUIRE(files.value().files.size() == 2);
  CHECK(files.value().files[0].path == "out/report.html");
  CHECK(files.value().files[0].change == FileChange::modified);
  CHECK(files.value().files[1].change == FileChange::deleted);
  CHECK(files.value().seq == core->log_info().head_seq);
  CHECK(files.value().changed_seq == core->get_job(id).value().updated_seq);
  create(*core);
  CHECK(core->list_files(id).value().changed_seq == core->get_job(id).value().updated_seq);
  CHECK(core->list_files(id).value().changed_seq < core->log_info().head_seq);
}

TEST_CASE("store: updates change only the named fields and emit job.updated") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = create(*core);
  JobPatch patch;
  patch.summary_json = R"({"ok":3})";
  patch.output_path = "out/";
  auto updated = core->update_job(id, patch);
  REQUIRE(updated.ok());
  auto event = json::parse(updated.value().event->json);
  CHECK(event["type"] == "job.updated");
  CHECK(event["data"] == json::parse(R"({"summary":{"ok":3},"output_path":"out/"})"));
  auto job = core->get_job(id).value();
  CHECK(job.summary_json == R"({"ok":3})");
  CHECK(job.output_path == "out/");
  CHECK_FALSE(job.policy_name);
  CHECK(core->update_job(id, JobPatch{}).status().code() == Code::invalid_argument);
}

TEST_CASE("store: listing filters by status, type and time, pages with offset and a total") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(create(*core, new_job(i % 2 ? "test" : "build")));
  for (int i = 0; i < 5; ++i) REQUIRE(core->set_status(ids[static_cast<size_t>(i)], JobStatus::running).ok());

  JobFilter running;
  running.status = JobStatus::running;
  CHECK(core->list_jobs(running).value().total == 5);

  JobFilter builds;
  builds.type = "build";
  builds.limit = 5;
  builds.offset = 10;
  auto page = core->list_jobs(builds);
  REQUIRE(page.ok());
  CHECK(page.value().total == 13);
  CHECK(page.value().jobs.size() == 3);
  CHECK(page.value().seq == core->log_info().head_seq);

  JobFilter future;
  future.since_ms = INT64_C(4'000'000'000'000);
  CHECK(core->list_jobs(future).value().total == 0);
  JobFilter bad;
  bad.limit = 0;
  CHECK(core->list_jobs(bad).status().code() == Code::invalid_argument);
}

TEST_CASE("store: events after a cursor are exactly the changes, in order") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = running_job(*core);
  REQUIRE(core->set_progress(id, 40).ok());
  REQUIRE(core->append_log(id, {"hello"}).ok());
  REQUIRE(core->emit("x.intervention_request", id, R"({"reason":"needs approval"})").ok());
  REQUIRE(core->emit("x.heartbeat", std::nullopt, "{}").ok());
  auto events = all_events(*core);
  std::vector<std::string> types;
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i]["seq"] == static_cast<int64_t>(i + 1));
    types.push_back(events[i]["type"]);
  }
  CHECK(types == std::vector<std::string>{"job.created", "job.status", "job.progress", "job.log",
                                          "x.intervention_request", "x.heartbeat"});
  CHECK(events[4]["data"]["reason"] == "needs approval");
  CHECK(events[5]["job"].is_null());
  auto tail = core->events_after(4, 10);
  REQUIRE(tail.ok());
  CHECK(tail.value().events.size() == 2);
  CHECK(tail.value().next == 6);
  CHECK(core->events_after(6, 10).value().events.empty());
  CHECK(core->events_after(7, 10).status().code() == Code::reset);
}

TEST_CASE("store: a cursor older than retention answers reset") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.retention_events = 10;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  for (int i = 0; i < 60; ++i) REQUIRE(core->set_progress(id, i).ok());
  LogInfo info = write_until_pruned(*core, id);
  // Retention trails by at most the writes of one prune interval.
  CHECK(info.head_seq - info.oldest_seq + 1 <= 15);
  auto old = core->events_after(0, 10);
  CHECK(old.status().code() == Code::reset);
  auto fresh = core->events_after(info.oldest_seq - 1, 10);
  REQUIRE(fresh.ok());
  CHECK(fresh.value().events.front()->seq == info.oldest_seq);
}

TEST_CASE("store: reopening keeps jobs, the log and the epoch, and a new file has a new epoch") {
  ON_EACH_STORE(stores);
  std::string epoch;
  std::string id;
  {
    auto core = open_core(stores.location("jobs"));
    id = create(*core);
    REQUIRE(core->set_status(id, JobStatus::running).ok());
    epoch = core->log_info().epoch;
    core->close();
    CHECK(core->set_progress(id, 5).status().code() == Code::closed);
    CHECK(core->get_job(id).status().code() == Code::closed);
  }
  auto reopened = open_core(stores.location("jobs"));
  CHECK(reopened->log_info().epoch == epoch);
  CHECK(reopened->log_info().head_seq == 2);
  CHECK(reopened->get_job(id).value().status == JobStatus::running);
  auto next = reopened->set_progress(id, 10);
  REQUIRE(next.ok());
  CHECK(next.value().event->seq == 3);
  auto other = open_core(stores.location("other"));
  CHECK(other->log_info().epoch != epoch);
  CHECK(epoch.size() == 16);
}

TEST_CASE("store: a file written by a newer schema is refused") {
  TempDir dir;
  { open_core(dir.file("jobs.db")); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.file("jobs.db").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CoreOptions options;
  options.store = dir.file("jobs.db");
  auto refused = Core::open(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("newer") != std::string::npos);
}

TEST_CASE("store: a second core on the same file is refused until the first one closes") {
  TempDir dir;
  auto first = open_core(dir.file("jobs.db"));
  CoreOptions options;
  options.store = dir.file("jobs.db");
  auto second = Core::open(options);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Code::unavailable);
  CHECK(second.status().message().find("already open") != std::string::npos);
  create(*first);
  first->close();
  auto third = Core::open(options);
  REQUIRE(third.ok());
  CHECK(third.value()->log_info().head_seq == 1);
}

TEST_CASE("store: the WAL is copied back and stays within its limit while writes keep coming") {
  TempDir dir;
  CoreOptions options;
  options.sqlite.wal_restart_bytes = 256 << 10;
  options.sqlite.wal_limit_bytes = 1 << 20;
  options.max_group = 64;
  auto core = open_core(dir.file("jobs.db"), options);
  std::string id = running_job(*core);
  const std::string data = json{{"blob", std::string(4000, 'x')}}.dump();
  const std::string wal = dir.file("jobs.db") + "-wal";
  const int64_t enough = 8 * options.sqlite.wal_limit_bytes;
  // The commit that finds the WAL past its limit may add one group: each event's row takes
  // about two pages here (its envelope overflows one), and each page a WAL frame.
  const int64_t one_group = static_cast<int64_t>(options.max_group) * 2 * (static_cast<int64_t>(data.size()) + 4096);
  CHECK(core->store_stats().wal_bytes > 0);  // the job's writes
  CHECK(core->store_stats().wal_limit_waits == 0);

  // Four producers write without pause for at least three seconds (and at least 8 limits'
  // worth, however slow a sanitizer build or the disk is); the WAL is sampled meanwhile. The
  // checkpointer only looks every 200 ms, which at this rate is many limits' worth: the WAL
  // stays within bounds because the writer waits for it past the limit, whatever the disk.
  std::atomic<bool> stop{false};
  std::atomic<int64_t> written{0};
  std::atomic<int> refused{0};  // Catch's assertions are not for other threads
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p)
    producers.emplace_back([&] {
      while (!stop) {
        if (core->emit("x.blob", id, data).ok()) written += static_cast<int64_t>(data.size());
        else ++refused;
      }
    });
  uintmax_t largest_wal = 0;
  const auto started = std::chrono::steady_clock::now();
  for (auto elapsed = std::chrono::steady_clock::duration{};
       elapsed < std::chrono::seconds(60) && (elapsed < std::chrono::seconds(3) || written < enough);
       elapsed = std::chrono::steady_clock::now() - started) {
    std::error_code absent;  // the WAL is not there until the first write after open
    uintmax_t size = std::filesystem::file_size(wal, absent);
    if (!absent) largest_wal = std::max(largest_wal, size);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  for (auto& t : producers) t.join();

  INFO("written " << written.load() << " bytes of event data, WAL reached " << largest_wal);
  REQUIRE(refused == 0);
  REQUIRE(written.load() >= enough);
  CHECK(largest_wal <= static_cast<uintmax_t>(options.sqlite.wal_limit_bytes + one_group));
  // What /metrics reports: the WAL the writer last saw, in bounds too. (Whether the writer
  // had to wait depends on this disk's speed against this build's, so it is not asserted.)
  CHECK(core->store_stats().wal_bytes > 0);
  CHECK(core->store_stats().wal_bytes <= options.sqlite.wal_limit_bytes + one_group);
  CHECK(std::filesystem::file_size(dir.file("jobs.db")) > static_cast<uintmax_t>(written.load() / 2));
}

TEST_CASE("store: a reader holding an old snapshot does not stop writes past the WAL limit") {
  TempDir dir;
  CoreOptions options;
  options.sqlite.wal_restart_bytes = 128 << 10;
  options.sqlite.wal_limit_bytes = 256 << 10;
  auto core = open_core(dir.file("jobs.db"), options);
  std::string id = running_job(*core);
  const std::string data = json{{"blob", std::string(4000, 'x')}}.dump();
  auto write = [&](int64_t bytes) {
    std::atomic<int64_t> written{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> producers;
    for (int p = 0; p < 4; ++p)
      producers.emplace_back([&] {
        while (written < bytes) {
          if (core->emit("x.blob", id, data).ok()) written += static_cast<int64_t>(data.size());
          else ++refused;
        }
      });
    for (auto& t : producers) t.join();
    return refused.load();
  };

  // Another program (an operator's sqlite3 shell, say) keeps a read transaction open: the
  // WAL cannot start over until it ends, and waiting for it would only stall the writes.
  sqlite3* reader = nullptr;
  REQUIRE(sqlite3_open_v2(dir.file("jobs.db").c_str(), &reader, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM events;", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(write(8 * options.sqlite.wal_limit_bytes) == 0);
  const StoreStats held = core->store_stats();
  CHECK(held.wal_bytes > 8 * options.sqlite.wal_limit_bytes);  // kept for the reader
  CHECK(held.wal_limit_waits > 0);                      // each group past the limit waited a round
  CHECK(held.wal_limit_wait_seconds > 0);

  // Once it lets go, the next round copies the WAL back and it starts over.
  REQUIRE(sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(reader);
  CHECK(write(4 * options.sqlite.wal_limit_bytes) == 0);
  // Four producers that each wait for their write: a group holds at most four.
  const int64_t one_group = 4 * 2 * (static_cast<int64_t>(data.size()) + 4096);
  CHECK(core->store_stats().wal_bytes <= options.sqlite.wal_limit_bytes + one_group);
}

TEST_CASE("store: a WAL limit below the restart size is refused") {
  TempDir dir;
  CoreOptions options;
  options.store = dir.file("jobs.db");
  options.sqlite.wal_restart_bytes = 1 << 20;
  options.sqlite.wal_limit_bytes = 512 << 10;
  auto refused = Core::open(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::invalid_argument);
  CHECK(refused.status().message().find("wal_limit_bytes") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(options.store));
}

TEST_CASE("store: events since a time, and retention by age, follow the log's time order") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.retention_ms = 400;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  for (int i = 0; i < 50; ++i) REQUIRE(core->set_progress(id, i).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int64_t boundary = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int64_t first_after = core->set_progress(id, 60).value().event->seq;
  for (int i = 61; i < 80; ++i) REQUIRE(core->set_progress(id, i).ok());

  auto since = core->events_since(boundary, 1000);
  REQUIRE(since.ok());
  REQUIRE(since.value().events.size() == 20);
  CHECK(since.value().events.front()->seq == first_after);
  CHECK(since.value().next == first_after + 19);
  CHECK(core->events_since(boundary + 60'000, 1000).value().events.empty());

  // Everything stamped before the boundary ages out with the next write.
  std::this_thread::sleep_for(std::chrono::milliseconds(410));
  REQUIRE(core->set_progress(id, 90).ok());
  LogInfo info = core->log_info();
  CHECK(info.oldest_seq > first_after - 1);
  CHECK(info.oldest_seq <= info.head_seq);
  CHECK(core->events_after(first_after - 2, 10).status().code() == Code::reset);
}
