// How other threads reach the loop thread: one mutex-guarded queue and one uv_async wakeup.
// libuv merges async wakeups, so every wakeup drains the whole queue.
//
// The mailbox is shared (shared_ptr) by everything that may post to it from another thread:
// the core's write callbacks and subscription wakeups. Once the loop has ended, posts are
// dropped, so a callback that arrives late can never touch a loop that is gone.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace jobwire::http {

class Mailbox {
 public:
  using Task = std::function<void()>;
  // Runs on the loop thread with the ids posted by post_ready since the last drain.
  using ReadyHandler = std::function<void(const std::vector<uint64_t>&)>;

  Mailbox() = default;
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Loop thread, before the loop runs. `ready` receives the ids of connections whose
  // subscription turned ready.
  int open(uv_loop_t* loop, ReadyHandler ready);
  // Loop thread. Posts arriving after this are dropped, and so are the tasks not yet run
  // (destroyed without running); the async handle is closed.
  void close();

  // Any thread. Runs `task` on the loop thread; false when the mailbox is closed (the task
  // is destroyed without running).
  bool post(Task task);
  // Any thread. Tells the loop that connection `id` has events to take.
  void post_ready(uint64_t id);

 private:
  static void on_async(uv_async_t* handle);
  void drain();

  uv_async_t async_{};
  ReadyHandler ready_;
  std::mutex mutex_;
  bool open_ = false;
  std::vector<Task> tasks_;
  std::vector<uint64_t> ready_ids_;
};

}  // namespace jobwire::http
