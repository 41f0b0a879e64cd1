// Moves every JS subscription of one core to the JS thread, through one mechanism however
// many subscriptions there are (an Electron app opens one per window): one delivery thread
// takes from each subscription that has something (the core reads the log while one catches
// up; the cursor rule lives there), joins each take into one JSON array text, and hands the
// batches to the JS thread through one thread-safe queue. The JS thread gets one call per
// batch and parses it once.
//
// Fairness: ready subscriptions are taken from in turn, one batch each, so a window catching
// up a long backlog does not hold back another window's live events by more than one batch.
//
// Backpressure: at most kBatchesInFlight batches of one subscription wait for the JS thread;
// beyond that it is not taken from, its events stay in the core's bounded queue, and an
// overflow there becomes a `gap` the core repairs from the log. A slow JS consumer therefore
// never slows a producer.
//
// Keep-alive: the process is kept alive only while some subscription knows of committed
// events it has not delivered yet (see expect()); idle ones never keep it.
#pragma once

#include <napi.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "jobwire/core.h"
#include "js_queue.h"

namespace jobwire::addon {

// One take of one subscription, ready for JS: `[e1,e2,…]` built from each event's stored envelope.
struct Batch {
  uint32_t subscription = 0;
  std::string text;
  size_t count = 0;  // events in `text`
  int64_t cursor = 0;
  bool reset = false;
  bool ascii = true;  // every byte < 0x80: JS can take the text as Latin-1, a plain copy
};

class JsDelivery {
 public:
  static constexpr size_t kBatchesInFlight = 2;
  // Batches one turn of the JS thread delivers before it yields the event loop.
  static constexpr size_t kBatchesPerTurn = 16;

  // JS thread. `set_immediate` chains the JS thread's delivery turns (js_queue.h).
  static std::shared_ptr<JsDelivery> create(Napi::Env env, Napi::Function set_immediate, size_t max_batch);
  ~JsDelivery();

  // JS thread. Subscribes to `core` after `after` (nullopt: from the head) and returns the
  // subscription's id; `deliver(text, cursor, reset, count)` is called once per batch until remove().
  Result<uint32_t> add(Napi::Env env, Core& core, std::optional<int64_t> after, Napi::Function deliver);
  // JS thread: detaches the subscription from the core; its `deliver` is never called again.
  void remove(Napi::Env env, uint32_t id);
  // JS thread: `head` has been committed; stay alive until every subscription delivered it.
  void expect(Napi::Env env, int64_t head);
  // JS thread: stops the thread and removes every subscription.
  void stop();

  JsDelivery(const JsDelivery&) = delete;
  JsDelivery& operator=(const JsDelivery&) = delete;

 private:
  // What the delivery thread knows of one subscription; guarded by mutex_ except `subscription`.
  struct Taker {
    uint32_t id = 0;
    std::shared_ptr<Subscription> subscription;
    bool wanted = true;     // woken, or left ready by its last take (a resume may be ready at once)
    bool queued = false;    // in ready_
    bool attached = false;  // `subscription` is set: the thread may take
    bool removed = false;
    size_t in_flight = 0;
    int64_t last_cursor = -1;
  };
  // What the JS thread knows of one subscription.
  struct Receiver {
    Napi::FunctionReference deliver;
    int64_t delivered = 0;
    int64_t expected = 0;
  };

  explicit JsDelivery(size_t max_batch) : max_batch_(max_batch) {}
  void wake(const std::shared_ptr<Taker>& taker);  // core thread: must not block for long
  void queue_locked(const std::shared_ptr<Taker>& taker);
  void run();                                      // delivery thread
  void on_batches(Napi::Env env, std::vector<Batch>& batches);  // JS thread
  void set_behind(Napi::Env env, Receiver& receiver, bool behind_before);

  const size_t max_batch_;
  std::shared_ptr<JsQueue<Batch>> batches_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<Taker>> ready_;
  std::vector<std::shared_ptr<Taker>> retry_;  // ready, but their last log read failed for now
  std::map<uint32_t, std::shared_ptr<Taker>> takers_;
  bool stopping_ = false;
  std::thread thread_;

  // JS thread only.
  std::map<uint32_t, Receiver> receivers_;
  uint32_t next_id_ = 1;
  size_t behind_ = 0;  // receivers with delivered < expected: the queue is ref'd while > 0
  bool stopped_ = false;
};

}  // namespace jobwire::addon
