// The addon's entry: exports the native Core and Server classes that addon/lib wraps.
// Context-aware (no global state), so it loads in worker_threads and Electron's main process.
#include <napi.h>

#include "core_wrap.h"
#include "server_wrap.h"

namespace {

Napi::Object init_jobwire(Napi::Env env, Napi::Object exports) {
  exports.Set("Core", jobwire::addon::CoreWrap::define(env));
  exports.Set("Server", jobwire::addon::ServerWrap::define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(jobwire, init_jobwire)
