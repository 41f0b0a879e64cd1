// Core benchmarks: durable updates/s (group commit vs one transaction per update) at 1, 4
// and 16 writer threads with commit latency; hub deliveries/s to 1, 100 and 1,000
// subscribers; heap bytes per idle subscriber.
//   build/bench_core [--seconds S] [--only updates|hub|idle] [--writers 1|4|16] [--json]
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/hub.h"
#include "jobwire/core.h"
#include "windowed_writes.h"

using namespace jobwire;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  double seconds = 3;
  bool json = false;
  std::string only;  // updates | hub | idle; empty: all
  int writers = 0;   // 0: 1, 4 and 16
};

std::string temp_db(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("jobwire-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

struct UpdateResult {
  double per_second, p50_ms, p99_ms;
};

// Writers, each on its own job with 64 progress updates in flight (windowed_writes.h).
UpdateResult durable_updates(int writers, size_t max_group, Durability durability, double seconds) {
  CoreOptions options;
  options.store = temp_db("updates-" + std::to_string(writers) + "-" + std::to_string(max_group) + ".db");
  options.max_group = max_group;
  options.sqlite.durability = durability;
  std::shared_ptr<Core> core = Core::open(options).value();
  std::vector<std::string> ids;
  for (int w = 0; w < writers; ++w) {
    NewJob job;
    job.type = "bench";
    ids.push_back(core->create_job(job).value().job->id);
    core->set_status(ids.back(), JobStatus::running);
  }
  bench::WindowedWrites run = bench::windowed_progress({core}, ids, 64, seconds);
  core->close();
  return {run.per_second, run.p50_ms, run.p99_ms};
}

EventPtr make_event(int64_t seq) {
  auto e = std::make_shared<Event>();
  e->seq = seq;
  e->type = "job.log";
  e->job = "j_bench";
  e->project = "default";
  e->tree_path = "/j_bench/";
  e->json = R"({"seq":)" + std::to_string(seq) + R"(,"type":"job.log","data":{}})";
  return e;
}

// The writer thread publishes batches of 256 events; one consumer thread drains every
// subscriber queue in turn.
double hub_deliveries(int subscribers, double seconds) {
  constexpr size_t kLimit = 16384;
  Hub hub(kLimit);
  std::vector<std::shared_ptr<SubscriptionQueue>> queues;
  for (int i = 0; i < subscribers; ++i) queues.push_back(hub.attach(EventFilter{}, kLimit, 0, nullptr));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> published{0};  // events, as the writer counts them
  std::atomic<uint64_t> read_by_all{0};  // events every queue has taken
  std::atomic<uint64_t> taken{0};
  std::thread consumer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const uint64_t sweep_from = published.load(std::memory_order_acquire);
      uint64_t n = 0;
      for (auto& q : queues) {
        for (;;) {
          SubscriptionQueue::Taken t = q->take(4096);
          n += t.events.size();
          if (t.drained || t.overflowed) break;
        }
      }
      taken.fetch_add(n, std::memory_order_relaxed);
      read_by_all.store(sweep_from, std::memory_order_release);
    }
  });
  // Events are made before the clock starts: this measures the hub, not the allocator.
  std::vector<std::vector<EventPtr>> batches(64);
  int64_t seq = 0;
  for (auto& batch : batches)
    for (int i = 0; i < 256; ++i) batch.push_back(make_event(++seq));
  auto begin = Clock::now();
  double elapsed = 0;
  for (size_t round = 0; elapsed < seconds; ++round) {
    // Stay within the queues' limit of the slowest, so that nothing overflows.
    while (published.load(std::memory_order_relaxed) - read_by_all.load(std::memory_order_acquire) > kLimit / 2)
      std::this_thread::yield();
    hub.publish(batches[round % batches.size()]);
    published.fetch_add(256, std::memory_order_release);
    elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  }
  stop = true;
  consumer.join();
  if (hub.queue_drops() != 0) std::fprintf(stderr, "hub: %llu queues overflowed\n", static_cast<unsigned long long>(hub.queue_drops()));
  // Deliveries are events a subscriber took out of its queue, not events offered to it.
  return static_cast<double>(taken.load()) / elapsed;
}

double bytes_per_idle_subscriber(int count) {
  CoreOptions options;
  options.store = temp_db("idle.db");
  auto core = Core::open(options).value();
  std::vector<std::shared_ptr<Subscription>> subs;
  subs.reserve(static_cast<size_t>(count));
  size_t before = mallinfo2().uordblks;
  for (int i = 0; i < count; ++i) subs.push_back(core->subscribe({}).value());
  size_t after = mallinfo2().uordblks;
  double per = static_cast<double>(after - before) / count;
  for (auto& s : subs) s->close();
  core->close();
  return per;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) args.seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--json")) args.json = true;
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) args.only = argv[++i];
    else if (!std::strcmp(argv[i], "--writers") && i + 1 < argc) args.writers = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: bench_core [--seconds S] [--only updates|hub|idle] [--writers N] [--json]\n");
      return 2;
    }
  }
  const bool all = args.only.empty();
  std::string json = "{\"updates\":[";
  if (!args.json && (all || args.only == "updates")) std::printf("durable updates/s (SQLite WAL, synchronous=NORMAL), %.0f s each\n", args.seconds);
  bool first = true;
  for (int writers : {1, 4, 16}) {
    if (!all && args.only != "updates") break;
    if (args.writers && writers != args.writers) continue;
    UpdateResult group = durable_updates(writers, 4096, Durability::process, args.seconds);
    UpdateResult single = durable_updates(writers, 1, Durability::process, args.seconds);
    if (!args.json)
      std::printf("  %2d writers: group commit %9.0f/s (p50 %.2f ms, p99 %.2f ms) | one tx per update %8.0f/s "
                  "(p99 %.2f ms) | ratio %.1fx\n",
                  writers, group.per_second, group.p50_ms, group.p99_ms, single.per_second, single.p99_ms,
                  group.per_second / single.per_second);
    char row[400];
    std::snprintf(row, sizeof row,
                  "%s{\"writers\":%d,\"group_per_s\":%.0f,\"group_p50_ms\":%.3f,\"group_p99_ms\":%.3f,"
                  "\"single_per_s\":%.0f,\"single_p99_ms\":%.3f}",
                  first ? "" : ",", writers, group.per_second, group.p50_ms, group.p99_ms, single.per_second,
                  single.p99_ms);
    json += row;
    first = false;
  }
  UpdateResult power{};
  bool measure_power = (all || args.only == "updates") && (!args.writers || args.writers == 16);
  if (measure_power) power = durable_updates(16, 4096, Durability::power, args.seconds);
  if (!args.json && measure_power)
    std::printf("  16 writers, synchronous=FULL (survives power loss): %.0f/s (p99 %.2f ms)\n", power.per_second,
                power.p99_ms);
  json += "],\"hub\":[";
  if (!args.json && (all || args.only == "hub")) std::printf("hub deliveries/s (taken by the subscribers)\n");
  first = true;
  for (int subscribers : {1, 100, 1000}) {
    if (!all && args.only != "hub") break;
    double rate = hub_deliveries(subscribers, args.seconds);
    if (!args.json) std::printf("  %4d subscribers: %12.0f deliveries/s\n", subscribers, rate);
    json += (first ? "" : ",") + std::string("{\"subscribers\":") + std::to_string(subscribers) +
            ",\"deliveries_per_s\":" + std::to_string(static_cast<int64_t>(rate)) + "}";
    first = false;
  }
  double idle = all || args.only == "idle" ? bytes_per_idle_subscriber(100'000) : 0;
  if (!args.json && (all || args.only == "idle")) std::printf("heap per idle subscriber: %.0f bytes (100,000 subscriptions)\n", idle);
  json += "],\"bytes_per_idle_subscriber\":" + std::to_string(static_cast<int64_t>(idle)) +
          ",\"power_16_per_s\":" + std::to_string(static_cast<int64_t>(power.per_second)) + "}";
  if (args.json) std::printf("%s\n", json.c_str());
  std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("jobwire-bench-" + std::to_string(getpid())));
  return 0;
}
