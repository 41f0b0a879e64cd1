// Moves one subscription's events to JS: a delivery thread takes from the core (reading the
// log while catching up) and joins each take into one JSON array text; the JS thread gets
// one call per batch and parses it once.
//
// Backpressure: at most kBatchesInFlight batches wait for the JS thread; beyond that the
// delivery stops taking, the events stay in the core's bounded queue, and an overflow there
// becomes a `gap` the core repairs from the log. A slow JS consumer therefore never slows a
// producer.
//
// Keep-alive: a subscription keeps the process alive only while it knows of committed
// events it has not delivered yet (see expect()); an idle one never does.
#pragma once

#include <napi.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "jobwire/core.h"
#include "js_queue.h"

namespace jobwire::addon {

// One take, ready for JS: `[e1,e2,…]` built from each event's stored envelope.
struct Batch {
  std::string text;
  int64_t cursor = 0;
  bool reset = false;
  bool ascii = true;  // every byte < 0x80: JS can take the text as Latin-1, a plain copy
};

class JsDelivery : public std::enable_shared_from_this<JsDelivery> {
 public:
  static constexpr size_t kBatchesInFlight = 2;

  // JS thread. Subscribes to `core` after `after` (nullopt: from the head) and starts the
  // delivery thread; `deliver(text, cursor, reset)` is called once per batch until stop().
  static Result<std::shared_ptr<JsDelivery>> start(Napi::Env env, Core& core, std::optional<int64_t> after,
                                                   Napi::Function deliver, Napi::Function set_immediate,
                                                   size_t max_batch);
  ~JsDelivery();

  // JS thread: `head` has been committed; stay alive until it is delivered.
  void expect(Napi::Env env, int64_t head);
  // JS thread: stops the thread, detaches from the core; `deliver` is never called again.
  void stop();

  JsDelivery(const JsDelivery&) = delete;
  JsDelivery& operator=(const JsDelivery&) = delete;

 private:
  explicit JsDelivery(size_t max_batch) : max_batch_(max_batch) {}
  void wake();  // core thread: must not block for long
  void run();   // delivery thread
  void on_batches(Napi::Env env, std::vector<Batch>& batches);  // JS thread
  void update_keep_alive(Napi::Env env);                        // JS thread

  const size_t max_batch_;
  std::shared_ptr<Subscription> subscription_;
  std::shared_ptr<JsQueue<Batch>> batches_;
  Napi::FunctionReference deliver_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool woken_ = true;  // take once at start: a resume may be ready before any wake
  bool stopping_ = false;
  size_t in_flight_ = 0;

  // JS thread only.
  bool stopped_ = false;
  bool kept_alive_ = false;
  int64_t delivered_ = 0;
  int64_t expected_ = 0;
};

}  // namespace jobwire::addon
