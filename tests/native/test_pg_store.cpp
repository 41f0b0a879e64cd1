// What only the PostgreSQL store promises: several processes (here, several cores on one
// database, each with its own connections, as several jobwired would have) share one
// gap-free log, and no reader is ever handed a seq while an earlier one can still commit.
// The contract both stores share is in test_store.cpp and its neighbours (ON_EACH_STORE).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <future>
#include <thread>

#include "collector.h"
#include "test_stores.h"

using namespace jobwire;
using namespace jobwire_test;
using nlohmann::json;

namespace {

std::vector<int64_t> seqs_of(const std::vector<EventPtr>& events) {
  std::vector<int64_t> seqs;
  for (const auto& e : events) seqs.push_back(e->seq);
  return seqs;
}

std::vector<int64_t> one_to(int64_t n) {
  std::vector<int64_t> seqs;
  for (int64_t s = 1; s <= n; ++s) seqs.push_back(s);
  return seqs;
}

}  // namespace

TEST_CASE("pg store: three cores on one database write at once, and each sees every event once, in one order") {
  TestStores stores(StoreKind::postgres);
  if (stores.skipped()) return;
  const std::string url = stores.location("shared");
  std::vector<std::shared_ptr<Core>> cores;
  for (int i = 0; i < 3; ++i) cores.push_back(open_core(url));
  CHECK(cores[0]->log_info().epoch == cores[1]->log_info().epoch);
  CHECK(cores[1]->log_info().epoch == cores[2]->log_info().epoch);

  SubscribeOptions from_start;
  from_start.after = 0;
  std::vector<std::unique_ptr<Collector>> collectors;
  for (auto& core : cores) collectors.push_back(std::make_unique<Collector>(*core, from_start));

  constexpr int kWritersPerCore = 2, kJobsPerWriter = 20;
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (auto& core : cores)
    for (int w = 0; w < kWritersPerCore; ++w)
      writers.emplace_back([&, core] {
        for (int j = 0; j < kJobsPerWriter; ++j) {
          auto created = core->create_job(new_job());
          if (!created.ok()) {
            ++failed;
            continue;
          }
          const std::string id = created.value().job->id;
          if (!core->set_status(id, JobStatus::running).ok()) ++failed;
          if (!core->set_progress(id, 50).ok()) ++failed;
        }
      });
  for (auto& w : writers) w.join();
  REQUIRE(failed.load() == 0);
  const int64_t total = 3 * kWritersPerCore * kJobsPerWriter * 3;

  for (size_t i = 0; i < cores.size(); ++i) {
    INFO("core " << i);
    REQUIRE(collectors[i]->wait_for_cursor(total));
    CHECK(seqs_of(collectors[i]->events()) == one_to(total));
    CHECK(cores[i]->log_info().head_seq == total);
  }
  // The same bytes for the same seq everywhere.
  auto a = collectors[0]->events(), c = collectors[2]->events();
  for (size_t k = 0; k < a.size(); ++k) CHECK(a[k]->json == c[k]->json);
  // And every core reads the same jobs.
  JobFilter all;
  all.limit = 1000;
  auto listed0 = cores[0]->list_jobs(all), listed2 = cores[2]->list_jobs(all);
  REQUIRE(listed0.ok());
  REQUIRE(listed2.ok());
  CHECK(listed0.value().total == 3 * kWritersPerCore * kJobsPerWriter);
  CHECK(listed2.value().total == listed0.value().total);
}

TEST_CASE("pg store: a later seq never reaches a reader while an earlier one is still open") {
  TestStores stores(StoreKind::postgres);
  if (stores.skipped()) return;
  const std::string url = stores.location("shared");
  auto writer = open_core(url);
  auto reader = open_core(url);
  std::string id = running_job(*writer);  // seqs 1, 2
  SubscribeOptions from_start;
  from_start.after = 0;
  Collector collector(*reader, from_start);
  REQUIRE(collector.wait_for_cursor(2));

  // Another process's writer, by hand: it takes the log's lock, appends seq 3 and stays open.
  auto other = pg_connect(url);
  pg_exec(other, "BEGIN; SELECT pg_advisory_xact_lock(29958816232206950)");
  pg_exec(other,
          "INSERT INTO events (seq, type, ts, job, project, tree_path, envelope) VALUES (3, 'x.held', "
          "(extract(epoch from now()) * 1000)::bigint, '', 'default', '', "
          "'{\"seq\":3,\"type\":\"x.held\",\"ts\":\"2026-01-01T00:00:00.000Z\",\"job\":null,\"data\":{}}')");

  // This process's write must wait for it: were it to commit seq 4 now, a reader could
  // take 4 and step past 3 for good.
  auto later = std::async(std::launch::async, [&] { return writer->set_progress(id, 60); });
  CHECK(later.wait_for(std::chrono::milliseconds(500)) == std::future_status::timeout);
  CHECK(collector.events().size() == 2);
  CHECK(reader->events_after(2, 10).value().events.empty());

  pg_exec(other, "NOTIFY jobwire_log, '3'; COMMIT");
  auto committed = later.get();
  REQUIRE(committed.ok());
  CHECK(committed.value().event->seq == 4);
  REQUIRE(collector.wait_for_cursor(4));
  CHECK(seqs_of(collector.events()) == one_to(4));
  CHECK(collector.events()[2]->type == "x.held");
}

TEST_CASE("pg store: a connection the server ended is replaced, and a write is never acknowledged without a commit") {
  TestStores stores(StoreKind::postgres);
  if (stores.skipped()) return;
  const std::string url = stores.location("shared");
  auto core = open_core(url);
  std::string id = running_job(*core);
  // The server ends every connection to the database (a restart or an operator would).
  auto admin = pg_connect(url);
  pg_exec(admin,
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND "
          "pid <> pg_backend_pid()");
  auto after = core->set_progress(id, 70);
  INFO(after.status().message());
  REQUIRE(after.ok());
  CHECK(after.value().event->seq == 3);
  auto job = core->get_job(id);
  REQUIRE(job.ok());
  CHECK(job.value().progress_percent == 70);
}

TEST_CASE("pg store: an unreachable server refuses to open, with no password in the message") {
  CoreOptions options;
  options.store = "postgresql://jobwire:s3cret-pw@127.0.0.1:1/jobs?connect_timeout=2";
  auto refused = Core::open(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::unavailable);
  CHECK(refused.status().message().find("s3cret-pw") == std::string::npos);
}

TEST_CASE("pg store: the start of the log never moves back when the follower reads an older retention mark") {
  TestStores stores(StoreKind::postgres);
  if (stores.skipped()) return;
  const std::string url = stores.location("retention");
  CoreOptions options;
  options.retention_events = 10;
  options.postgres.catch_up_ms = 20;  // the follower re-reads the mark every 20 ms
  auto core = open_core(url, options);
  std::string id = running_job(*core);
  for (int i = 0; i < 60; ++i) REQUIRE(core->set_progress(id, i).ok());
  const LogInfo pruned = write_until_pruned(*core, id);
  REQUIRE(pruned.oldest_seq > 40);
  // What a follower's read that began before the writer's last prune committed would see.
  auto admin = pg_connect(url);
  pg_exec(admin, "UPDATE meta SET value = '1' WHERE key = 'pruned_through'");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // many follower passes
  CHECK(core->log_info().oldest_seq == pruned.oldest_seq);
}
