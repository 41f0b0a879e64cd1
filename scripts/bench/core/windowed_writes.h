// The write load both core benchmarks measure (bench_core on SQLite, bench_pg on one or
// more PostgreSQL instances): writer threads, each on its own job, keep a window of
// set_progress writes in flight and time each from submit to its commit callback.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jobwire/core.h"

namespace jobwire::bench {

inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  size_t index = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index), values.end());
  return values[index];
}

struct WindowedWrites {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
  uint64_t failed = 0;  // writes whose callback reported an error
};

// One writer thread per id in `jobs`; writer w writes to cores[w % cores.size()].
inline WindowedWrites windowed_progress(const std::vector<std::shared_ptr<Core>>& cores,
                                        const std::vector<std::string>& jobs, int window, double seconds) {
  using Clock = std::chrono::steady_clock;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> committed{0}, failed{0};
  std::vector<std::vector<double>> latencies(jobs.size());
  std::vector<std::thread> threads;
  for (size_t w = 0; w < jobs.size(); ++w) {
    threads.emplace_back([&, w] {
      Core& core = *cores[w % cores.size()];
      // The producer sleeps only when its window is full and is woken once half of it has
      // committed, so the harness does not add a thread wakeup per update.
      std::mutex mu;
      std::condition_variable cv;
      std::atomic<int> in_flight{0};
      uint64_t n = 0;
      auto& lat = latencies[w];
      std::mutex lat_mu;
      while (!stop.load(std::memory_order_relaxed)) {
        if (in_flight.load(std::memory_order_acquire) >= window) {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return in_flight.load() <= window / 2; });
        }
        in_flight.fetch_add(1, std::memory_order_acq_rel);
        auto start = Clock::now();
        core.set_progress(jobs[w], static_cast<double>(n++ % 100), [&, start](Result<Committed> r) {
          double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
          if (r.ok()) {
            std::lock_guard lock(lat_mu);
            if (lat.size() < 2'000'000) lat.push_back(ms);
            committed.fetch_add(1, std::memory_order_relaxed);
          } else {
            failed.fetch_add(1, std::memory_order_relaxed);
          }
          if (in_flight.fetch_sub(1, std::memory_order_acq_rel) - 1 == window / 2) {
            std::lock_guard lock(mu);
            cv.notify_one();
          }
        });
      }
      while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  }
  auto begin = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  uint64_t done = committed.load();
  double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  stop = true;
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return {static_cast<double>(done) / elapsed, percentile(all, 0.5), percentile(all, 0.99), failed.load()};
}

}  // namespace jobwire::bench
