// The addon's entry: exports the native Core and Server classes that addon/lib wraps.
// Context-aware (no global state), so it loads in worker_threads and Electron's main process.
#include <napi.h>

#include "core_wrap.h"
#include "jobwire/status.h"
#include "server_wrap.h"

namespace {

// Each error code's HTTP status, from status.h's one list, for JS that answers as jobwired
// does (the Electron query channel).
Napi::Object error_statuses(Napi::Env env) {
  Napi::Object statuses = Napi::Object::New(env);
#define JOBWIRE_STATUS_ENTRY(name, wire, http) statuses.Set(wire, Napi::Number::New(env, http));
  JOBWIRE_STATUS_CODES(JOBWIRE_STATUS_ENTRY)
#undef JOBWIRE_STATUS_ENTRY
  return statuses;
}

Napi::Object init_jobwire(Napi::Env env, Napi::Object exports) {
  exports.Set("Core", jobwire::addon::CoreWrap::define(env));
  exports.Set("Server", jobwire::addon::ServerWrap::define(env));
  exports.Set("errorStatuses", error_statuses(env));
  exports.Set("writeKinds", jobwire::addon::write_kinds(env));
  exports.Set("pollingDefaults", jobwire::addon::polling_defaults(env));
  exports.Set("serveSettings", jobwire::addon::serve_settings(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(jobwire, init_jobwire)
