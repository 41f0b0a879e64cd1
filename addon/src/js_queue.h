// Hands items from any thread to the JS thread: a mutex-guarded queue plus one wakeup.
//
// A producer thread pushes; the first push into an idle queue calls the thread-safe
// function once. From then on the JS thread drains in turns of at most `max_per_turn`
// items, and each turn schedules the next with setImmediate, so the event loop runs its
// timers and I/O between turns however fast producers push. (Re-signalling the
// thread-safe function instead would not yield: Node dispatches calls that arrive while it
// dispatches in the same loop iteration.) When a turn finds the queue empty the chain
// stops and the next push signals again. Wakeups merge, like uv_async_send: the queue, not
// the wakeup, carries the items.
//
// Lifetime: the JS-side state lives until Node finalizes the thread-safe function. Once the
// queue is closed, or the environment tears the function down, pushes keep their item in
// the queue (freed with it) and never touch the function again. Items the handler has seen
// are handed back and destroyed by the next push, on its thread, or with the queue.
#pragma once

#include <napi.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "sync/hand_back.h"

namespace jobwire::addon {

template <class T>
class JsQueue {
 public:
  // Runs on the JS thread with the items of one turn, in push order.
  using Handler = std::function<void(Napi::Env, std::vector<T>& items)>;

  // `set_immediate` is Node's own (from node:timers, so fake timers in an app's tests do
  // not capture delivery).
  static std::shared_ptr<JsQueue> create(Napi::Env env, const char* name, size_t max_per_turn,
                                         Napi::Function set_immediate, Handler handler) {
    std::shared_ptr<JsQueue> queue(new JsQueue(max_per_turn, std::move(handler)));
    auto js_side = std::make_shared<JsSide>();
    js_side->queue = queue;
    js_side->set_immediate = Napi::Persistent(set_immediate);
    std::weak_ptr<JsSide> weak = js_side;
    js_side->next_turn = Napi::Persistent(Napi::Function::New(env, [weak](const Napi::CallbackInfo& info) {
      if (auto side = weak.lock()) side->queue->next_turn(info.Env(), *side);
    }));
    auto* finalize_data = new std::shared_ptr<JsSide>(js_side);
    napi_threadsafe_function tsfn = nullptr;
    napi_status status =
        napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, name), 0, 1, finalize_data,
                                        &JsQueue::finalize, js_side.get(), &JsQueue::call_js, &tsfn);
    if (status != napi_ok) {
      delete finalize_data;
      return queue;  // a queue without a wakeup: pushes are kept and freed with it
    }
    // An idle queue never keeps the process alive; owners ref() while they expect items.
    napi_unref_threadsafe_function(env, tsfn);
    queue->tsfn_ = tsfn;
    return queue;
  }

  // Any thread: queues the item made of `args`. Also destroys, on this thread, the items
  // the JS thread has handled since.
  template <class... Args>
  void push(Args&&... args) {
    {
      std::lock_guard lock(mutex_);
      // An array that starts small would grow, moving its items, several times a turn.
      if (items_.empty() && items_.capacity() < largest_) items_.reserve(largest_);
      items_.emplace_back(std::forward<Args>(args)...);
      largest_ = std::min(kMaxReservedTurns * max_per_turn_, std::max(largest_, items_.size()));
      if (!draining_ && tsfn_ &&
          napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking) == napi_ok) {
        draining_ = true;
      }
    }
    handled_.release();
  }

  // JS thread: whether a wakeup keeps the event loop alive.
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
    std::vector<T> taken;
    taken.swap(items_);
    return taken;
  }

  // JS thread. No wakeup after this; a turn already scheduled still runs the handler.
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
  // JS-thread state; released when the thread-safe function is finalized.
  struct JsSide {
    std::shared_ptr<JsQueue> queue;
    Napi::FunctionReference set_immediate;
    Napi::FunctionReference next_turn;
  };

  JsQueue(size_t max_per_turn, Handler handler) : max_per_turn_(max_per_turn), handler_(std::move(handler)) {}

  // One turn: hand up to max_per_turn items to the handler, then schedule the next turn.
  // Items are made on a producer thread and may hold much memory (a write's committed job):
  // whole arrays change hands, items_ → a turn → handled_ → the producer.
  void run_turn(Napi::Env env, JsSide& side) {
    std::vector<T> turn;
    {
      std::lock_guard lock(mutex_);
      if (items_.size() <= max_per_turn_) {
        turn.swap(items_);
        items_ = handled_.spare();
      } else {
        turn = handled_.spare();
        auto end = items_.begin() + static_cast<std::ptrdiff_t>(max_per_turn_);
        turn.assign(std::make_move_iterator(items_.begin()), std::make_move_iterator(end));
        items_.erase(items_.begin(), end);
      }
    }
    // Scheduled before the handler runs, so an exception it leaves pending cannot break the chain.
    side.set_immediate.Call({side.next_turn.Value()});
    if (!turn.empty()) handler_(env, turn);
    handled_.give(turn);
  }

  void next_turn(Napi::Env env, JsSide& side) {
    {
      std::lock_guard lock(mutex_);
      if (items_.empty()) {
        draining_ = false;  // idle: the next push signals again
        return;
      }
    }
    run_turn(env, side);
  }

  static void call_js(napi_env env, napi_value, void* context, void*) {
    if (env == nullptr) return;  // the environment is going away; items die with the queue
    auto* side = static_cast<JsSide*>(context);
    side->queue->run_turn(Napi::Env(env), *side);
  }

  static void finalize(napi_env, void* data, void* hint) {
    auto* side = static_cast<JsSide*>(hint);
    {
      std::lock_guard lock(side->queue->mutex_);
      side->queue->tsfn_ = nullptr;
    }
    delete static_cast<std::shared_ptr<JsSide>*>(data);
  }

  std::mutex mutex_;
  std::vector<T> items_;
  HandBack<T> handled_;  // turns the JS thread has handled; the next push destroys them
  // A producer may push several turns' worth at once (one write group's completions).
  static constexpr size_t kMaxReservedTurns = 4;
  size_t largest_ = 0;  // the most items_ has held, up to kMaxReservedTurns turns' worth
  napi_threadsafe_function tsfn_ = nullptr;
  bool draining_ = false;  // a turn is signalled or scheduled; pushes need not signal
  const size_t max_per_turn_;
  const Handler handler_;
};

}  // namespace jobwire::addon
