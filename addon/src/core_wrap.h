// The native Core object behind addon/lib/index.js: one jobwire::Core, its subscriptions
// and its servers. Every method returns a promise except subscribe/unsubscribe, which only
// add to or remove from the core's JS delivery, and write, whose writes settle through the function given to the
// constructor. Arguments arrive validated by index.js; the guards here only refuse.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "jobwire/core.h"
#include "js_queue.h"
#include "js_delivery.h"

namespace jobwire::addon {

// What a write hands back to the JS thread once committed (or refused).
struct Completion {
  double token = 0;  // the write's name in addon/lib/write-queue.js
  Result<Committed> result = Status(Code::internal, "not settled");
  bool resolve_with_event = false;  // emit() answers the stored event, other writes the job
};

// The last whole answer to a write on a job, which the JS side keeps a copy of in `slot`:
// later answers to that job that differ in progress alone are sent as the slot and the
// changed values (settle_completions).
struct AnswerBasis {
  Job job;
  uint32_t slot = 0;
};

// State shared between a CoreWrap and the callbacks it hands out. JS thread only, except
// `core`, which worker threads use through their own shared_ptr copy.
struct CoreState {
  std::shared_ptr<Core> core;
  bool closing = false;
  int64_t writes_in_flight = 0;
  int64_t known_head = 0;  // the newest seq the JS thread has seen committed
  std::shared_ptr<JsDelivery> js_delivery;  // every subscription's, one thread for all
  std::shared_ptr<JsQueue<Completion>> completions;
  Napi::FunctionReference settle_writes;  // write-queue.js's settle(tokens, answers, errors, changes, bases)
  std::unordered_map<std::string, AnswerBasis> answer_bases;  // by job id
};

class CoreWrap : public Napi::ObjectWrap<CoreWrap> {
 public:
  static Napi::Function define(Napi::Env env);
  // The open core, or null once close() was called (for serve()).
  std::shared_ptr<Core> open_core() const { return state_->closing ? nullptr : state_->core; }
  // new Core(setImmediate, settleWrites): the scheduler that chains the JS thread's delivery
  // turns, and the function each turn of committed writes is answered through.
  explicit CoreWrap(const Napi::CallbackInfo& info);
  ~CoreWrap() override;

  CoreWrap(const CoreWrap&) = delete;
  CoreWrap& operator=(const CoreWrap&) = delete;

 private:
  // Lifecycle (core_wrap.cpp).
  Napi::Value open(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  Napi::Value log_info(const Napi::CallbackInfo& info);
  Napi::Value subscribe(const Napi::CallbackInfo& info);
  Napi::Value unsubscribe(const Napi::CallbackInfo& info);
  static void on_env_cleanup(void* self);
  void shut_down_now();

  // Writes (core_writes.cpp): a turn's batch in, settled after commit through `completions`.
  Napi::Value write(const Napi::CallbackInfo& info);
  // The `done` the core calls for the write named `token`.
  WriteDone settle_later(Napi::Env env, double token, bool resolve_with_event);

  // Reads (core_reads.cpp): run on the libuv threadpool.
  Napi::Value get_job(const Napi::CallbackInfo& info);
  Napi::Value list_jobs(const Napi::CallbackInfo& info);
  Napi::Value get_logs(const Napi::CallbackInfo& info);
  Napi::Value list_files(const Napi::CallbackInfo& info);
  Napi::Value events_after(const Napi::CallbackInfo& info);
  // Reads of many things at once (core_sets.cpp).
  Napi::Value get_jobs(const Napi::CallbackInfo& info);
  Napi::Value file_changes(const Napi::CallbackInfo& info);
  // The API's read routes, as jobwired answers them over HTTP (core_query.cpp).
  Napi::Value query(const Napi::CallbackInfo& info);

  std::shared_ptr<CoreState> state_;
  bool cleanup_hook_added_ = false;
};

class Args;

// Guards every method shares: arguments as index.js sends them, and an open core. True when
// the call is refused; `answer` is then the rejected promise to return.
bool refused(const Args& args, const CoreState& state, Napi::Value* answer);

// JS thread: answers a turn of committed writes in one call and lets subscriptions know the
// new head.
void settle_completions(Napi::Env env, std::vector<Completion>& completions, CoreState* state);

// The write kinds write() takes, by their JS method names.
Napi::Object write_kinds(Napi::Env env);

// The /api/config/polling answer of an app that sets none.
Napi::Object polling_defaults(Napi::Env env);

}  // namespace jobwire::addon
