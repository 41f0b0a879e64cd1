// The readers a store lends out, one per concurrent read: kept for reuse up to a bound, made
// when none is free, and dropped when their connection was lost. Either store's readers.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace jobwire {

template <class Reader>
class ReaderPool {
 public:
  using Open = std::function<Result<std::unique_ptr<Reader>>()>;
  ReaderPool(Open open, size_t max_kept) : open_(std::move(open)), max_kept_(max_kept) {}

  // Runs `use` with a reader; `closed` after close(), or why none could be opened.
  Status with_reader(const std::function<void(StoreReader&)>& use) {
    auto reader = borrow();
    if (!reader.ok()) return reader.status();
    use(*reader.value());
    give_back(std::move(reader).value());
    return Status::Ok();
  }

  // Lends nothing more and lets the kept readers go.
  void close() {
    closed_ = true;
    std::lock_guard lock(mu_);
    kept_.clear();
  }

 private:
  Result<std::unique_ptr<Reader>> borrow() {
    if (closed_.load()) return Status{Code::closed, "the core is closed"};
    {
      std::lock_guard lock(mu_);
      if (!kept_.empty()) {
        auto reader = std::move(kept_.back());
        kept_.pop_back();
        return reader;
      }
    }
    return open_();
  }

  void give_back(std::unique_ptr<Reader> reader) {
    std::lock_guard lock(mu_);
    if (!closed_.load() && !reader->broken() && kept_.size() < max_kept_) kept_.push_back(std::move(reader));
  }

  const Open open_;
  const size_t max_kept_;
  std::atomic<bool> closed_{false};
  std::mutex mu_;
  std::vector<std::unique_ptr<Reader>> kept_;
};

}  // namespace jobwire
