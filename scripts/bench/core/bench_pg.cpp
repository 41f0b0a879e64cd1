// PostgreSQL scale-out benchmarks (issue 14), beside SQLite in the same run:
//   - durable updates/s with N writer threads spread over 1 and 3 instances (SQLite: 1);
//   - write-on-A → delivered-on-C latency at paced rates;
//   - the CPU cost of one idle instance, in this process and in the PostgreSQL server.
// An instance is one Core::open on the URL: its own writer connection, group commit,
// follower (LISTEN) and reader pool. Several in one process are separate clients as far as
// PostgreSQL is concerned (what three jobwired would be, without their HTTP).
// Each measurement gets a fresh database on the server, dropped afterwards.
//   build/bench_pg --store postgres://… [--seconds S] [--writers N] [--window W] [--instances 1,3]
//                  [--rates 1000,max] [--idle-seconds S] [--pg-pid PID] [--only updates|latency|idle]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jobwire/core.h"
#include "windowed_writes.h"
#include "store/pg/pg_conn.h"

using namespace jobwire;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string store;  // the server's URL (any database on it: the admin connection)
  double seconds = 3;
  int writers = 16;
  int window = 64;  // set_progress writes each writer keeps in flight
  std::vector<int> instances{1, 3};
  std::vector<std::string> rates{"1000", "max"};
  double idle_seconds = 10;
  int pg_pid = 0;  // the postmaster: its and its children's CPU is read from /proc
  std::string only;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_pg: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) die(std::string(what) + ": " + r.status().message());
  return std::move(r).value();
}

std::string url_for(const std::string& url, const std::string& database) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) die("--store must be a postgres:// URL");
  auto slash = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string host = url.substr(0, std::min(slash, query));
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return host + "/" + database + rest;
}

class Server {
 public:
  explicit Server(std::string url) : url_(std::move(url)), admin_(must(PgConn::connect(url_), "connect")) {}
  ~Server() {
    for (auto& db : databases_) (void)admin_.exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  }
  // A fresh database; its URL.
  std::string fresh() {
    std::string name = "jobwire_bench_" + std::to_string(getpid()) + "_" + std::to_string(databases_.size());
    must(admin_.exec("CREATE DATABASE " + name), "create database");
    databases_.push_back(name);
    return url_for(url_, name);
  }
  std::string show(const std::string& setting) {
    auto r = must(admin_.exec("SHOW " + setting), "show");
    return r.rows() ? r.text(0, 0) : "?";
  }
  PgConn& admin() { return admin_; }

 private:
  std::string url_;
  PgConn admin_;
  std::vector<std::string> databases_;
};

// --- CPU --------------------------------------------------------------------------------

double self_cpu_us() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Time on CPU of one single-threaded process (PostgreSQL's are), in µs, from schedstat (ns,
// not clock ticks); -1 when it is gone.
double process_cpu_us(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/schedstat");
  double ns = -1;
  if (!(in >> ns)) return -1;
  return ns / 1000;
}

int parent_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string state;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

// The postmaster and its children (backends, checkpointer, walwriter, …): pid → CPU µs.
std::map<int, double> server_cpu(int postmaster) {
  std::map<int, double> cpu;
  if (!postmaster) return cpu;
  cpu[postmaster] = process_cpu_us(postmaster);
  if (DIR* proc = opendir("/proc")) {
    while (dirent* entry = readdir(proc)) {
      int pid = std::atoi(entry->d_name);
      if (pid > 0 && parent_of(pid) == postmaster) cpu[pid] = process_cpu_us(pid);
    }
    closedir(proc);
  }
  return cpu;
}

// CPU the server used between two snapshots (a process that started in between counts from 0).
double server_cpu_between(const std::map<int, double>& before, const std::map<int, double>& after) {
  double total = 0;
  for (auto& [pid, us] : after) {
    if (us < 0) continue;
    auto b = before.find(pid);
    total += us - (b == before.end() || b->second < 0 ? 0 : b->second);
  }
  return total;
}

// --- durable updates --------------------------------------------------------------------

CoreOptions options_for(const std::string& store) {
  CoreOptions options;
  options.store = store;
  options.progress_flush_ms = 0;
  options.subscriber_queue_limit = 1'000'000;
  return options;
}

struct UpdateResult {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
  double transactions = 0, updates = 0;  // writing transactions and events of the run (PG only)
};

// `writers` threads, spread round-robin over the instances, each keep `window` set_progress
// writes in flight on its own job (windowed_writes.h); latency is submit → commit callback.
UpdateResult durable_updates(const std::vector<std::shared_ptr<Core>>& cores, int writers, int window,
                             double seconds) {
  std::vector<std::string> ids;
  for (int w = 0; w < writers; ++w) {
    auto& core = cores[static_cast<size_t>(w) % cores.size()];
    NewJob job;
    job.type = "bench";
    ids.push_back(must(core->create_job(job), "create_job").job->id);
    must(core->set_status(ids.back(), JobStatus::running), "set_status");
  }
  bench::WindowedWrites run = bench::windowed_progress(cores, ids, window, seconds);
  if (run.failed) die(std::to_string(run.failed) + " writes failed");
  return {run.per_second, run.p50_ms, run.p99_ms, 0, 0};
}

// Writing transactions behind the progress events: each event row's xmin is the transaction
// that inserted it, so distinct xmins are the groups (the job rows' creation is left out).
void count_transactions(const std::string& url, UpdateResult& result) {
  auto conn = must(PgConn::connect(url), "connect");
  auto r = must(conn.exec("SELECT count(DISTINCT xmin::text), count(*) FROM events WHERE type = 'job.progress'"),
                "count transactions");
  result.transactions = static_cast<double>(r.int64(0, 0));
  result.updates = static_cast<double>(r.int64(0, 1));
}

// --- cross-instance latency -------------------------------------------------------------

struct LatencyResult {
  double target = 0, achieved = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
  double commit_p50_ms = 0, commit_p99_ms = 0;  // submit → commit callback on A
  size_t matched = 0, sent = 0;
};

// One writer thread on `a` at `rate` updates/s (set_progress, callback form, never waiting
// for a commit); a subscriber on `c` takes on its own thread when woken and stamps arrival.
LatencyResult cross_instance(Core& a, Core& c, double rate, double seconds) {
  NewJob job;
  job.type = "bench";
  std::string id = must(a.create_job(job), "create_job").job->id;
  must(a.set_status(id, JobStatus::running), "set_status");

  std::mutex wake_mu;
  std::condition_variable wake_cv;
  bool woken = false;
  SubscribeOptions so;
  so.queue_limit = 1'000'000;
  so.wake = [&] {
    std::lock_guard lock(wake_mu);
    woken = true;
    wake_cv.notify_one();
  };
  auto sub = must(c.subscribe(so), "subscribe");
  std::atomic<bool> stop_taking{false};
  std::vector<std::pair<int64_t, Clock::time_point>> arrivals;
  std::thread taker([&] {
    while (true) {
      {
        std::unique_lock lock(wake_mu);
        wake_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return woken; });
        woken = false;
      }
      auto d = sub->take(100'000);
      auto now = Clock::now();
      for (auto& e : d.events) arrivals.emplace_back(e->seq, now);
      if (d.events.empty() && stop_taking.load()) return;
    }
  });

  std::mutex sent_mu;
  std::vector<std::pair<int64_t, Clock::time_point>> sent;
  std::vector<double> commit_ms;
  std::atomic<int64_t> in_flight{0}, acked{0};
  int64_t issued = 0;
  auto begin = Clock::now();
  auto end = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (auto now = begin; now < end; now = Clock::now()) {
    auto due = static_cast<int64_t>(std::chrono::duration<double>(now - begin).count() * rate);
    // More than a second's worth unacknowledged: the store is not keeping up; do not pile on.
    while (issued < due && in_flight.load() < static_cast<int64_t>(rate) + 1) {
      ++issued;
      in_flight.fetch_add(1);
      auto start = Clock::now();
      a.set_progress(id, static_cast<double>(issued % 100), [&, start](Result<Committed> r) {
        if (r.ok()) {
          std::lock_guard lock(sent_mu);
          sent.emplace_back(r.value().event->seq, start);
          commit_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
        acked.fetch_add(1);
        in_flight.fetch_sub(1);
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  int64_t acked_in_window = acked.load();
  while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // Everything sent reaches C within a few catch-up periods.
  int64_t last_seq = 0;
  {
    std::lock_guard lock(sent_mu);
    for (auto& [seq, t] : sent) last_seq = std::max(last_seq, seq);
  }
  for (int i = 0; i < 500 && sub->cursor() < last_seq; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop_taking = true;
  taker.join();
  sub->close();

  std::map<int64_t, Clock::time_point> arrived(arrivals.begin(), arrivals.end());
  std::vector<double> ms;
  for (auto& [seq, start] : sent) {
    auto found = arrived.find(seq);
    if (found != arrived.end()) ms.push_back(std::chrono::duration<double, std::milli>(found->second - start).count());
  }
  LatencyResult result;
  result.target = rate;
  result.achieved = static_cast<double>(acked_in_window) / elapsed;
  result.p50_ms = bench::percentile(ms, 0.5);
  result.p99_ms = bench::percentile(ms, 0.99);
  result.max_ms = ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end());
  result.commit_p50_ms = bench::percentile(commit_ms, 0.5);
  result.commit_p99_ms = bench::percentile(commit_ms, 0.99);
  result.matched = ms.size();
  result.sent = sent.size();
  return result;
}

// --- idle -------------------------------------------------------------------------------

struct IdleResult {
  double self_us_per_s = 0, server_us_per_s = 0;
};

IdleResult idle_window(int pg_pid, double seconds) {
  auto server_before = server_cpu(pg_pid);
  double self_before = self_cpu_us();
  auto begin = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  double self = self_cpu_us() - self_before;
  double server = server_cpu_between(server_before, server_cpu(pg_pid));
  return {self / elapsed, pg_pid ? server / elapsed : -1};
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // A line at a time, so each figure shows as it is measured under pg-scale-out.js (a pipe).
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Args args;
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (!std::strcmp(argv[i], "--store")) args.store = next();
    else if (!std::strcmp(argv[i], "--seconds")) args.seconds = std::atof(next().c_str());
    else if (!std::strcmp(argv[i], "--writers")) args.writers = std::atoi(next().c_str());
    else if (!std::strcmp(argv[i], "--window")) args.window = std::atoi(next().c_str());
    else if (!std::strcmp(argv[i], "--instances")) {
      args.instances.clear();
      for (auto& n : split(next())) args.instances.push_back(std::atoi(n.c_str()));
    } else if (!std::strcmp(argv[i], "--rates")) args.rates = split(next());
    else if (!std::strcmp(argv[i], "--idle-seconds")) args.idle_seconds = std::atof(next().c_str());
    else if (!std::strcmp(argv[i], "--pg-pid")) args.pg_pid = std::atoi(next().c_str());
    else if (!std::strcmp(argv[i], "--only")) args.only = next();
    else {
      std::fprintf(stderr,
                   "usage: bench_pg --store postgres://… [--seconds S] [--writers N] [--window W] [--instances 1,3] "
                   "[--rates 1000,max] [--idle-seconds S] [--pg-pid PID] [--only updates|latency|idle]\n");
      return 2;
    }
  }
  if (!names_postgres(args.store)) die("--store postgres://… is required");
  auto want = [&](const char* part) { return args.only.empty() || args.only == part; };
  Server server(args.store);
  std::printf("PostgreSQL %s: fsync=%s, synchronous_commit=%s, shared_buffers=%s, wal_level=%s\n",
              server.show("server_version").c_str(), server.show("fsync").c_str(),
              server.show("synchronous_commit").c_str(), server.show("shared_buffers").c_str(),
              server.show("wal_level").c_str());
  auto tmp = std::filesystem::temp_directory_path() / ("jobwire-bench-pg-" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);

  double best_one_instance = 0;
  if (want("updates")) {
    std::printf("durable updates/s, %d writers (%d set_progress in flight each, on its own job), %.0f s each\n",
                args.writers, args.window, args.seconds);
    {
      auto core = must(Core::open(options_for((tmp / "updates.db").string())), "open sqlite");
      auto r = durable_updates({core}, args.writers, args.window, args.seconds);
      core->close();
      std::printf("  SQLite (WAL, synchronous=NORMAL), 1 instance: %9.0f/s  p50 %6.2f ms  p99 %6.2f ms\n",
                  r.per_second, r.p50_ms, r.p99_ms);
    }
    for (int n : args.instances) {
      std::string url = server.fresh();
      std::vector<std::shared_ptr<Core>> cores;
      for (int i = 0; i < n; ++i) cores.push_back(must(Core::open(options_for(url)), "open postgres"));
      auto r = durable_updates(cores, args.writers, args.window, args.seconds);
      for (auto& c : cores) c->close();
      count_transactions(url, r);
      double per_tx = r.transactions > 0 ? r.updates / r.transactions : 0;
      if (n == 1) best_one_instance = r.per_second;
      std::printf("  PostgreSQL, %d instance%s: %9.0f/s  p50 %6.2f ms  p99 %6.2f ms | %.0f writing tx/s, "
                  "%.1f updates per tx\n",
                  n, n == 1 ? " " : "s", r.per_second, r.p50_ms, r.p99_ms, per_tx > 0 ? r.per_second / per_tx : 0,
                  per_tx);
    }
  }

  if (want("latency")) {
    std::printf("write on A -> delivered on C (3 instances, subscriber on C takes on its own thread), %.0f s each\n",
                args.seconds);
    std::string url = server.fresh();
    std::vector<std::shared_ptr<Core>> cores;
    for (int i = 0; i < 3; ++i) cores.push_back(must(Core::open(options_for(url)), "open postgres"));
    for (auto& rate_text : args.rates) {
      double rate = std::atof(rate_text.c_str());
      int tries = 1;
      if (rate_text == "max") {
        // The highest rate sustained: start from what one instance committed above and step
        // down until the writes keep pace (achieved within 3 % of the target, p99 under a
        // second): a sustained rate, not a saturated one with a growing queue.
        if (best_one_instance <= 0) {
          auto r = durable_updates({cores[0]}, args.writers, args.window, std::min(args.seconds, 2.0));
          best_one_instance = r.per_second;
        }
        rate = std::floor(best_one_instance * 0.8 / 100) * 100;
        tries = 4;
      }
      for (int attempt = 1; attempt <= tries; ++attempt) {
        auto r = cross_instance(*cores[0], *cores[2], rate, args.seconds);
        bool kept_pace = r.achieved >= 0.97 * r.target && r.p99_ms < 1000;
        std::printf("  %7.0f/s paced (%7.0f/s achieved): p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms | commit on A "
                    "p50 %.2f ms p99 %.2f ms (%zu of %zu matched)%s\n",
                    r.target, r.achieved, r.p50_ms, r.p99_ms, r.max_ms, r.commit_p50_ms, r.commit_p99_ms, r.matched,
                    r.sent,
                    tries == 1 ? "" : kept_pace ? "  sustained" : "  not sustained");
        if (kept_pace) break;
        rate = std::floor(rate * 0.7 / 100) * 100;
      }
    }
    for (auto& c : cores) c->close();
  }

  if (want("idle")) {
    std::printf("idle cost over %.0f s: CPU µs per second (this process | the PostgreSQL server, all its processes)\n",
                args.idle_seconds);
    auto nothing = idle_window(args.pg_pid, args.idle_seconds);
    std::printf("  nothing open (baseline):        %8.0f | %8.0f\n", nothing.self_us_per_s, nothing.server_us_per_s);
    {
      auto core = must(Core::open(options_for((tmp / "idle.db").string())), "open sqlite");
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      auto r = idle_window(args.pg_pid, args.idle_seconds);
      core->close();
      std::printf("  one idle SQLite core:           %8.0f | %8.0f\n", r.self_us_per_s, r.server_us_per_s);
    }
    {
      std::string url = server.fresh();
      auto core = must(Core::open(options_for(url)), "open postgres");
      std::this_thread::sleep_for(std::chrono::milliseconds(1000));
      auto conns = must(server.admin().exec("SELECT count(*) FROM pg_stat_activity WHERE datname = '" +
                                            url.substr(url.rfind('/') + 1) + "'"),
                        "pg_stat_activity");
      auto r = idle_window(args.pg_pid, args.idle_seconds);
      core->close();
      std::printf("  one idle PostgreSQL core:       %8.0f | %8.0f  (%lld connections held; server above baseline: "
                  "%.0f)\n",
                  r.self_us_per_s, r.server_us_per_s, static_cast<long long>(conns.int64(0, 0)),
                  r.server_us_per_s - nothing.server_us_per_s);
    }
  }
  std::filesystem::remove_all(tmp);
  return 0;
}
