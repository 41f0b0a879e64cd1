// core.query: the API's read routes (native-core/src/api/read_routes.h), the same table
// jobwired's HTTP routes answer from, run on the libuv threadpool. The Electron bridge answers
// jobwire:query with it, so IPC and HTTP answer alike by construction.
#include <utility>

#include "api/read_routes.h"
#include "args.h"
#include "core_wrap.h"
#include "task_worker.h"

namespace jobwire::addon {

// query(method, target, polling): polling holds the /api/config/polling answer's members the
// app set; the others keep PollingConfig's defaults. Settles {status, headers, body (JSON text)}.
Napi::Value CoreWrap::query(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string method = args.string(0, "method");
  std::string target = args.string(1, "target");
  Napi::Object settings = args.object(2, "polling");
  PollingConfig polling;
  if (args.ok()) {
    if (auto interval = args.optional_integer(settings, "interval_ms")) polling.interval_ms = static_cast<int>(*interval);
    if (auto logs = args.optional_integer(settings, "log_interval_ms")) polling.log_interval_ms = static_cast<int>(*logs);
    if (Napi::Value enabled = settings.Get("enabled"); enabled.IsBoolean()) polling.enabled = enabled.As<Napi::Boolean>();
  }
  Napi::Value refusal;
  if (refused(args, *state_, &refusal)) return refusal;
  return TaskWorker<api::Answer>::start(
      info.Env(), "jobwire.query",
      [core = state_->core, method = std::move(method), target = std::move(target), polling]() -> Result<api::Answer> {
        return api::answer_request(*core, method, target, polling);
      },
      [](Napi::Env env, api::Answer& answer) -> Napi::Value {
        Napi::Object headers = Napi::Object::New(env);
        for (const auto& [name, value] : answer.headers) headers.Set(name, value);
        Napi::Object out = Napi::Object::New(env);
        out.Set("status", Napi::Number::New(env, answer.status));
        out.Set("headers", headers);
        out.Set("body", answer.body);
        return out;
      });
}

// The /api/config/polling answer of an app that sets none (PollingConfig's defaults).
Napi::Object polling_defaults(Napi::Env env) {
  PollingConfig defaults;
  Napi::Object out = Napi::Object::New(env);
  out.Set("interval_ms", Napi::Number::New(env, defaults.interval_ms));
  out.Set("enabled", Napi::Boolean::New(env, defaults.enabled));
  out.Set("log_interval_ms", Napi::Number::New(env, defaults.log_interval_ms));
  return out;
}

}  // namespace jobwire::addon
