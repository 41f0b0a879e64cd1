#include "http/mailbox.h"

#include <utility>

namespace jobwire::http {

int Mailbox::open(uv_loop_t* loop, ReadyHandler ready) {
  ready_ = std::move(ready);
  async_.data = this;
  int rc = uv_async_init(loop, &async_, &Mailbox::on_async);
  if (rc == 0) {
    std::lock_guard lock(mutex_);
    open_ = true;
  }
  return rc;
}

void Mailbox::close() {
  // Dropped tasks are destroyed after the lock is released: a task may own something whose
  // destructor posts to another loop's mailbox (metrics_gather.cpp), and two loops closing
  // at once must not each hold their lock while taking the other's.
  std::vector<Task> dropped;
  {
    std::lock_guard lock(mutex_);
    if (!open_) return;
    open_ = false;
    dropped.swap(tasks_);
    ready_ids_.clear();
  }
  // The handle lives inside this object, which outlives the loop (shared ownership), so no
  // close callback is needed.
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

bool Mailbox::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (!open_) return false;
    tasks_.push_back(std::move(task));
    // uv_async_send is safe from any thread; calling it under the lock keeps close() from
    // closing the handle between the check and the send.
    uv_async_send(&async_);
  }
  return true;
}

void Mailbox::post_ready(uint64_t id) {
  std::lock_guard lock(mutex_);
  if (!open_) return;
  ready_ids_.push_back(id);
  uv_async_send(&async_);
}

void Mailbox::on_async(uv_async_t* handle) { static_cast<Mailbox*>(handle->data)->drain(); }

void Mailbox::drain() {
  std::vector<Task> tasks;
  std::vector<uint64_t> ready;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(tasks_);
    ready.swap(ready_ids_);
  }
  for (auto& task : tasks) task();
  if (!ready.empty() && ready_) ready_(ready);
}

}  // namespace jobwire::http
