#include "core_wrap.h"

#include <utility>

#include "args.h"
#include "errors.h"
#include "task_worker.h"

namespace jobwire::addon {

namespace {

// Events a JS delivery hands to JS in one call: large enough to amortize the call and the parse,
// small enough that one batch never holds the event loop for long.
constexpr size_t kMaxBatch = 2048;
// Completions one wakeup settles before yielding the event loop.
constexpr size_t kCompletionsPerTurn = 256;

}  // namespace

bool refused(const Args& args, const CoreState& state, Napi::Value* answer) {
  Status status = args.status();
  if (status.ok() && (!state.core || state.closing)) status = closed_error();
  if (status.ok()) return false;
  *answer = rejected(args.env(), status);
  return true;
}

Napi::Function CoreWrap::define(Napi::Env env) {
  return DefineClass(env, "Core",
                     {
                         InstanceMethod<&CoreWrap::open>("open"),
                         InstanceMethod<&CoreWrap::close>("close"),
                         InstanceMethod<&CoreWrap::log_info>("logInfo"),
                         InstanceMethod<&CoreWrap::subscribe>("subscribe"),
                         InstanceMethod<&CoreWrap::unsubscribe>("unsubscribe"),
                         InstanceMethod<&CoreWrap::write>("write"),
                         InstanceMethod<&CoreWrap::get_job>("getJob"),
                         InstanceMethod<&CoreWrap::list_jobs>("listJobs"),
                         InstanceMethod<&CoreWrap::get_logs>("getLogs"),
                         InstanceMethod<&CoreWrap::list_files>("listFiles"),
                         InstanceMethod<&CoreWrap::events_after>("eventsAfter"),
                         InstanceMethod<&CoreWrap::get_jobs>("getJobs"),
                         InstanceMethod<&CoreWrap::file_changes>("fileChanges"),
                         InstanceMethod<&CoreWrap::query>("query"),
                     });
}

CoreWrap::CoreWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<CoreWrap>(info), state_(std::make_shared<CoreState>()) {
  Napi::Env env = info.Env();
  Napi::Function set_immediate = info[0].IsFunction() ? info[0].As<Napi::Function>()
                                                      : env.Global().Get("setImmediate").As<Napi::Function>();
  if (info[1].IsFunction()) state_->settle_writes = Napi::Persistent(info[1].As<Napi::Function>());
  std::weak_ptr<CoreState> weak = state_;
  state_->completions = JsQueue<Completion>::create(
      env, "jobwire.writes", kCompletionsPerTurn, set_immediate,
      [weak](Napi::Env js_env, std::vector<Completion>& completions) {
        std::shared_ptr<CoreState> state = weak.lock();
        settle_completions(js_env, completions, state.get());
      });
  state_->js_delivery = JsDelivery::create(env, set_immediate, kMaxBatch);
  // A worker thread or the main environment going away closes the core with it.
  cleanup_hook_added_ = napi_add_env_cleanup_hook(env, &CoreWrap::on_env_cleanup, this) == napi_ok;
}

CoreWrap::~CoreWrap() {
  if (cleanup_hook_added_) napi_remove_env_cleanup_hook(Env(), &CoreWrap::on_env_cleanup, this);
  // An open core is rooted (see open), so this runs for a core that never opened, one
  // already closed, or at teardown after on_env_cleanup; shutting down again is harmless.
  shut_down_now();
}

void CoreWrap::on_env_cleanup(void* self) {
  auto* wrap = static_cast<CoreWrap*>(self);
  wrap->cleanup_hook_added_ = false;
  wrap->shut_down_now();  // promises still pending die with the environment
}

void CoreWrap::shut_down_now() {
  state_->closing = true;
  state_->js_delivery->stop();
  if (state_->core) state_->core->close();
  state_->completions->close();
}

Napi::Value CoreWrap::open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info);
  Napi::Object options = args.object(0, "options");
  CoreOptions core_options;
  core_options.store = args.string(options, "store");
  std::optional<std::string> durability = args.optional_string(options, "durability");
  std::optional<int64_t> retention_events = args.optional_integer(options, "retentionEvents");
  std::optional<int64_t> retention_ms = args.optional_integer(options, "retentionMs");
  std::optional<int64_t> queue_limit = args.optional_integer(options, "subscriberQueueLimit");
  std::optional<int64_t> flush_ms = args.optional_integer(options, "progressFlushMs");
  std::optional<int64_t> key_ms = args.optional_integer(options, "idempotencyKeyMs");
  std::optional<int64_t> key_count = args.optional_integer(options, "idempotencyKeyCount");
  if (!args.ok()) return rejected(env, args.status());
  if (state_->core || state_->closing) return rejected(env, bad_argument("open() was already called"));
  if (durability == "power") core_options.sqlite.durability = Durability::power;
  if (retention_events) core_options.retention_events = *retention_events;
  if (retention_ms) core_options.retention_ms = *retention_ms;
  if (queue_limit && *queue_limit > 0) core_options.subscriber_queue_limit = static_cast<size_t>(*queue_limit);
  if (flush_ms) core_options.progress_flush_ms = static_cast<int>(*flush_ms);
  if (key_ms) core_options.idempotency_key_ms = *key_ms;
  if (key_count) core_options.idempotency_key_count = *key_count;

  return TaskWorker<std::shared_ptr<Core>>::start(
      env, "jobwire.open", [core_options] { return Core::open(core_options); },
      [this](Napi::Env js_env, std::shared_ptr<Core>& core) -> Napi::Value {
        if (state_->closing) {
          core->close();
          status_error(js_env, closed_error()).ThrowAsJavaScriptException();
          return js_env.Undefined();
        }
        state_->core = core;
        state_->known_head = core->log_info().head_seq;
        // An open core is never collected, like an open handle: it lives until close() or
        // the environment's teardown, whatever references the app keeps.
        Ref();
        return js_env.Undefined();
      },
      Value());
}

Napi::Value CoreWrap::close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_->closing || !state_->core) {
    state_->closing = true;
    if (!state_->core) state_->settle_writes.Reset();  // never opened: it settles nothing
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(env.Undefined());
    return deferred.Promise();
  }
  state_->closing = true;
  state_->js_delivery->stop();
  std::shared_ptr<CoreState> state = state_;
  return TaskWorker<Done>::start(
      env, "jobwire.close",
      [core = state->core]() -> Result<Done> {
        core->close();  // commits every queued write; their completions are queued by now
        return Done{};
      },
      [this, state](Napi::Env js_env, Done&) -> Napi::Value {
        std::vector<Completion> last = state->completions->take_all();
        settle_completions(js_env, last, state.get());
        state->completions->close();
        state->settle_writes.Reset();  // it holds the JS side, and through it this object
        Unref();
        return js_env.Undefined();
      },
      Value());
}

Napi::Value CoreWrap::log_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state_->core || state_->closing) {
    status_error(env, closed_error()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  LogInfo log = state_->core->log_info();
  Napi::Object out = Napi::Object::New(env);
  out.Set("epoch", log.epoch);
  out.Set("head", static_cast<double>(log.head_seq));
  out.Set("oldest", static_cast<double>(log.oldest_seq));
  return out;
}

Napi::Value CoreWrap::subscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info);
  std::optional<int64_t> after = args.optional_integer(0, "after");
  Napi::Function deliver = args.function(1, "deliver");
  Status status = args.status();
  if (status.ok() && (!state_->core || state_->closing)) status = closed_error();
  if (status.ok() && after && *after < 0) status = bad_argument("after must be 0 or more");
  if (!status.ok()) {
    status_error(env, status).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Result<uint32_t> id = state_->js_delivery->add(env, *state_->core, after, deliver);
  if (!id.ok()) {
    status_error(env, id.status()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, id.value());
}

Napi::Value CoreWrap::unsubscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return env.Undefined();
  state_->js_delivery->remove(env, info[0].As<Napi::Number>().Uint32Value());
  return env.Undefined();
}

}  // namespace jobwire::addon
