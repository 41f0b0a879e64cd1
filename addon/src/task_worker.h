// One promise-returning call run on the libuv threadpool (the classic-level worker rule):
// `run` touches only the core, off the JS thread, and its Result crosses back as data;
// `settle` turns the value into JS on the JS thread (or throws, which rejects). A failed Result rejects through
// status_error, so errors keep their `code`.
#pragma once

#include <napi.h>

#include <functional>
#include <optional>
#include <utility>

#include "errors.h"
#include "jobwire/status.h"

namespace jobwire::addon {

template <class T>
class TaskWorker final : public Napi::AsyncWorker {
 public:
  using Run = std::function<Result<T>()>;
  using Settle = std::function<Napi::Value(Napi::Env, T&)>;

  // JS thread. Returns the promise the worker settles. `keep`, when given, is an object that
  // must not be collected before then (the native object `settle` touches).
  static Napi::Value start(Napi::Env env, const char* name, Run run, Settle settle, Napi::Object keep = {}) {
    auto* worker = new TaskWorker(env, name, std::move(run), std::move(settle));
    if (!keep.IsEmpty()) worker->keep_ = Napi::Persistent(keep);
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();  // the worker deletes itself after settling
    return promise;
  }

 private:
  TaskWorker(Napi::Env env, const char* name, Run run, Settle settle)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        run_(std::move(run)),
        settle_(std::move(settle)) {}

  void Execute() override { result_.emplace(run_()); }

  void OnOK() override {
    Napi::Env env = Env();
    if (!result_->ok()) {
      deferred_.Reject(status_error(env, result_->status()).Value());
      return;
    }
    Napi::Value value = settle_(env, result_->value());
    if (env.IsExceptionPending()) {
      deferred_.Reject(env.GetAndClearPendingException().Value());
      return;
    }
    deferred_.Resolve(value);
  }

  Napi::Promise::Deferred deferred_;
  Run run_;
  Settle settle_;
  Napi::ObjectReference keep_;
  std::optional<Result<T>> result_;
};

// For calls that produce nothing but success or a Status.
struct Done {};

}  // namespace jobwire::addon
