// Items one thread made and another used, handed back so that the thread that made them
// frees them. glibc's malloc keeps a thread's allocations in that thread's arena; freeing
// them on another thread made the two contend for that arena's lock (the writer thread and
// the JS thread, each taking the other's items, sessions 19 and 20 in BENCHMARKS.md).
//
// The consumer `give`s each used batch; the producer calls `release` when it next runs,
// which destroys every batch given since and keeps the largest emptied array as the spare
// that `spare` hands out, so a steady flow reuses its arrays instead of growing new ones.
#pragma once

#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

namespace jobwire {

template <class T>
class HandBack {
 public:
  // Consumer: keeps `batch`'s items for the producer to destroy; `batch` is left empty.
  void give(std::vector<T>& batch) {
    if (batch.empty()) return;
    std::lock_guard lock(mu_);
    given_.push_back(std::move(batch));
    batch.clear();  // moved-from: valid but unspecified
    has_given_.store(true, std::memory_order_release);
  }

  // Producer: destroys what was given back, on this thread.
  void release() {
    if (!has_given_.load(std::memory_order_acquire)) return;
    std::vector<std::vector<T>> given;
    {
      std::lock_guard lock(mu_);
      given.swap(given_);
      has_given_.store(false, std::memory_order_relaxed);
    }
    std::vector<T> largest;
    for (std::vector<T>& batch : given) {
      batch.clear();
      if (batch.capacity() > largest.capacity()) largest.swap(batch);
    }
    given.clear();
    std::lock_guard lock(mu_);
    if (spare_.capacity() < largest.capacity()) spare_.swap(largest);
    // The outer array too is reused rather than grown again by the next give.
    if (given_.empty() && given_.capacity() < given.capacity()) given_.swap(given);
  }

  // Either thread: an empty array, with the spare's capacity if there is one.
  std::vector<T> spare() {
    std::lock_guard lock(mu_);
    return std::exchange(spare_, std::vector<T>());
  }

 private:
  std::mutex mu_;
  std::atomic<bool> has_given_{false};
  std::vector<std::vector<T>> given_;
  std::vector<T> spare_;
};

}  // namespace jobwire
