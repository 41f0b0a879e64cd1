// Ordering under concurrent writers, and crash safety: a writer killed with SIGKILL loses
// nothing it acknowledged and leaves nothing half-written.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <thread>

#include "collector.h"
#include "temp_store.h"
#include "test_stores.h"

using namespace jobwire;
using namespace jobwire_test;
using nlohmann::json;

TEST_CASE("durability: 4 writer threads at once — the log holds every change in order, no gap, no duplicate") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  SubscribeOptions from_start;
  from_start.after = 0;
  Collector collector(*core, from_start);
  constexpr int kThreads = 4;
  constexpr int kJobsPerThread = 50;
  std::vector<std::thread> writers;
  std::vector<std::vector<int64_t>> acked(kThreads);
  std::atomic<int> failed_writes{0};  // Catch2 assertions belong on the test's own thread
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int j = 0; j < kJobsPerThread; ++j) {
        auto created = core->create_job(new_job("w" + std::to_string(t)));
        if (!created.ok()) {
          ++failed_writes;
          return;
        }
        std::string id = created.value().job->id;
        acked[static_cast<size_t>(t)].push_back(created.value().event->seq);
        for (auto write : {core->set_status(id, JobStatus::running), core->set_progress(id, 50),
                           core->append_log(id, {"l1", "l2"}), core->set_status(id, JobStatus::completed)}) {
          if (!write.ok()) ++failed_writes;
          else acked[static_cast<size_t>(t)].push_back(write.value().event->seq);
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  REQUIRE(failed_writes.load() == 0);
  const int64_t total = kThreads * kJobsPerThread * 5;
  CHECK(core->log_info().head_seq == total);

  // Each writer saw its own writes acknowledged in increasing seq order.
  std::vector<bool> seen(total + 1, false);
  for (const auto& seqs : acked) {
    CHECK(std::is_sorted(seqs.begin(), seqs.end()));
    for (int64_t s : seqs) {
      CHECK_FALSE(seen[static_cast<size_t>(s)]);
      seen[static_cast<size_t>(s)] = true;
    }
  }
  // The log and a live subscriber both hold 1..total exactly once, in order.
  std::vector<EventPtr> log;
  for (int64_t after = 0;;) {
    auto page = core->events_after(after, 997);
    REQUIRE(page.ok());
    if (page.value().events.empty()) break;
    log.insert(log.end(), page.value().events.begin(), page.value().events.end());
    after = page.value().next;
  }
  CHECK(contiguous(log, 1, total));
  REQUIRE(collector.wait_for_cursor(total));
  CHECK(contiguous(collector.events(), 1, total));
  // Per job, the events come in the order that job's writer made them.
  std::map<std::string, std::vector<std::string>> per_job;
  for (const auto& e : log) per_job[e->job].push_back(e->type);
  for (const auto& [job, types] : per_job)
    CHECK(types == std::vector<std::string>{"job.created", "job.status", "job.progress", "job.log", "job.status"});
}

namespace {

// The child: writes as fast as it can with many writes in flight and reports each
// acknowledgement as one line "seq type job value" on the pipe.
[[noreturn]] void run_killed_writer(const std::string& path, int ack_fd) {
  CoreOptions options;
  options.store = path;
  auto core = Core::open(options);
  if (!core.ok()) _exit(2);
  auto report = [ack_fd](const Result<Committed>& r, double value) {
    if (!r.ok()) return;
    char line[256];
    int n = std::snprintf(line, sizeof line, "%lld %s %s %g\n", static_cast<long long>(r.value().event->seq),
                          r.value().event->type.c_str(), r.value().event->job.c_str(), value);
    if (write(ack_fd, line, static_cast<size_t>(n)) != n) _exit(3);
  };
  for (int round = 0;; ++round) {
    auto created = core.value()->create_job(new_job("crash"));
    if (!created.ok()) _exit(4);
    report(created, 0);
    std::string id = created.value().job->id;
    if (!core.value()->set_status(id, JobStatus::running).ok()) _exit(5);
    for (int i = 1; i <= 100; ++i) {
      double value = i;
      core.value()->set_progress(id, value, [report, value](Result<Committed> r) { report(r, value); });
      core.value()->append_log(id, {"line " + std::to_string(i)}, [report](Result<Committed> r) { report(r, 1); });
    }
  }
}

struct Ack {
  int64_t seq;
  std::string type, job;
  double value;
};

}  // namespace

TEST_CASE("durability: after SIGKILL mid-stream and reopen, every acknowledged write is there with its event") {
  ON_EACH_STORE(stores);
  std::string path = stores.location("jobs");
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    run_killed_writer(path, fds[1]);
  }
  close(fds[1]);
  FILE* acks_in = fdopen(fds[0], "r");
  std::vector<Ack> acks;
  char type[64], job_id[160];
  long long seq;
  double value;
  // Let it run until a good number of writes were acknowledged, then kill it mid-stream.
  while (acks.size() < 20'000 && std::fscanf(acks_in, "%lld %63s %159s %lf", &seq, type, job_id, &value) == 4)
    acks.push_back({seq, type, job_id, value});
  kill(child, SIGKILL);
  // Acknowledgements already in the pipe were sent before the kill: they count too.
  while (std::fscanf(acks_in, "%lld %63s %159s %lf", &seq, type, job_id, &value) == 4) acks.push_back({seq, type, job_id, value});
  fclose(acks_in);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(acks.size() >= 20'000);

  auto core = open_core(path);
  const int64_t head = core->log_info().head_seq;
  std::map<int64_t, EventPtr> log;
  for (int64_t after = 0;;) {
    auto page = core->events_after(after, 5000);
    REQUIRE(page.ok());
    if (page.value().events.empty()) break;
    for (auto& e : page.value().events) log[e->seq] = e;
    after = page.value().next;
  }
  REQUIRE(static_cast<int64_t>(log.size()) == head);  // no hole in the log
  for (const Ack& ack : acks) {
    auto it = log.find(ack.seq);
    REQUIRE(it != log.end());
    CHECK(it->second->type == ack.type);
    CHECK(it->second->job == ack.job);
  }
  // Nothing half-written: each job's state is exactly what its events say.
  std::map<std::string, std::pair<double, int64_t>> from_events;  // progress, log lines
  for (const auto& [s, e] : log) {
    auto data = json::parse(e->json)["data"];
    if (e->type == "job.progress") from_events[e->job].first = data["progress_percent"];
    if (e->type == "job.log") from_events[e->job].second += static_cast<int64_t>(data["lines"].size());
    if (e->type == "job.created") from_events[e->job];
  }
  JobFilter all;
  all.limit = 1000;
  auto jobs = core->list_jobs(all);
  REQUIRE(jobs.ok());
  CHECK(static_cast<size_t>(jobs.value().total) == from_events.size());
  for (const Job& job : jobs.value().jobs) {
    INFO(job.id);
    CHECK(job.progress_percent == from_events[job.id].first);
    CHECK(job.log_lines == from_events[job.id].second);
    CHECK(core->get_logs(job.id, 0, 10'000).value().lines.size() == static_cast<size_t>(job.log_lines));
  }
}
