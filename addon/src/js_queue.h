// Hands items from any thread to the JS thread: a mutex-guarded queue plus one wakeup.
//
// A producer thread pushes; the first push into an empty queue calls the thread-safe
// function once, and that one call drains up to `max_per_turn` items on the JS thread (then
// wakes itself again if more are left, so one busy queue never holds the event loop for
// long). Wakeups merge, like uv_async_send: the queue, not the wakeup, carries the items.
//
// Lifetime: the thread-safe function keeps the queue alive until Node finalizes it. Once
// the queue is closed, or the environment tears the function down, pushes keep the item in
// the queue (freed with it) and never touch the function again.
#pragma once

#include <napi.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace jobwire::addon {

template <class T>
class JsQueue {
 public:
  // Runs on the JS thread with the items of one turn, in push order.
  using Handler = std::function<void(Napi::Env, std::vector<T>& items)>;

  static std::shared_ptr<JsQueue> create(Napi::Env env, const char* name, size_t max_per_turn,
                                         Handler handler) {
    std::shared_ptr<JsQueue> queue(new JsQueue(max_per_turn, std::move(handler)));
    auto* keep_alive = new std::shared_ptr<JsQueue>(queue);
    napi_value resource_name = Napi::String::New(env, name);
    napi_threadsafe_function tsfn = nullptr;
    napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, resource_name, 0, 1, keep_alive,
                                                         &JsQueue::finalize, queue.get(), &JsQueue::call_js, &tsfn);
    if (status != napi_ok) {
      delete keep_alive;
      return queue;  // a queue without a wakeup: pushes are kept and freed with it
    }
    // Idle queues never keep the process alive; owners ref() while they expect items.
    napi_unref_threadsafe_function(env, tsfn);
    queue->tsfn_ = tsfn;
    return queue;
  }

  // Any thread.
  void push(T item) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
    signal_locked();
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

  // JS thread: whether the pending wakeup keeps the event loop alive.
  void ref(Napi::Env env) {
    std::lock_guard lock(mutex_);
    if (tsfn_) napi_ref_threadsafe_function(env, tsfn_);
  }
  void unref(Napi::Env env) {
    std::lock_guard lock(mutex_);
    if (tsfn_) napi_unref_threadsafe_function(env, tsfn_);
  }

  // JS thread: takes everything queued now, for an owner that settles it synchronously.
  std::vector<T> take_all() {
    std::lock_guard lock(mutex_);
    std::vector<T> taken(std::make_move_iterator(items_.begin()), std::make_move_iterator(items_.end()));
    items_.clear();
    return taken;
  }

  // JS thread. No wakeup after this; a wakeup already queued still runs the handler.
  void close() {
    napi_threadsafe_function tsfn = nullptr;
    {
      std::lock_guard lock(mutex_);
      std::swap(tsfn, tsfn_);
    }
    if (tsfn) napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  }

  JsQueue(const JsQueue&) = delete;
  JsQueue& operator=(const JsQueue&) = delete;

 private:
  JsQueue(size_t max_per_turn, Handler handler) : max_per_turn_(max_per_turn), handler_(std::move(handler)) {}

  void signal_locked() {
    if (signaled_ || !tsfn_) return;
    if (napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking) == napi_ok) signaled_ = true;
  }

  static void call_js(napi_env env, napi_value, void* context, void*) {
    if (env == nullptr) return;  // the environment is going away; items die with the queue
    auto* self = static_cast<JsQueue*>(context);
    std::vector<T> turn;
    {
      std::lock_guard lock(self->mutex_);
      self->signaled_ = false;
      size_t n = std::min(self->items_.size(), self->max_per_turn_);
      turn.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        turn.push_back(std::move(self->items_.front()));
        self->items_.pop_front();
      }
      if (!self->items_.empty()) self->signal_locked();
    }
    if (!turn.empty()) self->handler_(Napi::Env(env), turn);
  }

  static void finalize(napi_env, void* data, void* hint) {
    auto* self = static_cast<JsQueue*>(hint);
    {
      std::lock_guard lock(self->mutex_);
      self->tsfn_ = nullptr;
    }
    delete static_cast<std::shared_ptr<JsQueue>*>(data);
  }

  mutable std::mutex mutex_;
  std::deque<T> items_;
  napi_threadsafe_function tsfn_ = nullptr;
  bool signaled_ = false;
  const size_t max_per_turn_;
  const Handler handler_;
};

}  // namespace jobwire::addon
