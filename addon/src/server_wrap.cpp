#include "server_wrap.h"

#include <utility>

#include "args.h"
#include "core_wrap.h"
#include "errors.h"
#include "task_worker.h"

namespace jobwire::addon {
namespace {

// The numbers serve() takes, by their names in JS: each one's range (the server's own) and
// the field it sets. Absent ones keep ServerOptions' defaults.
struct ServeSetting {
  const char* name;
  ServerOptions::Range range;
  void (*apply)(ServerOptions&, int64_t);
};
using O = ServerOptions;
constexpr ServeSetting kServeSettings[] = {
    {"port", O::kPortRange, [](O& o, int64_t v) { o.port = static_cast<int>(v); }},
    {"threads", O::kThreadsRange, [](O& o, int64_t v) { o.threads = static_cast<size_t>(v); }},
    {"fanoutTickMs", O::kFanoutTickMsRange, [](O& o, int64_t v) { o.fanout_tick_ms = static_cast<int>(v); }},
    {"heartbeatMs", O::kTimeoutMsRange, [](O& o, int64_t v) { o.heartbeat_ms = static_cast<int>(v); }},
    {"requestTimeoutMs", O::kTimeoutMsRange, [](O& o, int64_t v) { o.request_timeout_ms = static_cast<int>(v); }},
    {"stallTimeoutMs", O::kTimeoutMsRange, [](O& o, int64_t v) { o.stall_timeout_ms = static_cast<int>(v); }},
    {"maxConnections", O::kMaxConnectionsRange, [](O& o, int64_t v) { o.max_connections = static_cast<size_t>(v); }},
    {"maxBodyBytes", O::kMaxBodyBytesRange, [](O& o, int64_t v) { o.max_body_bytes = static_cast<size_t>(v); }},
    {"maxWriteBufferBytes", O::kMaxWriteBufferBytesRange,
     [](O& o, int64_t v) { o.max_write_buffer_bytes = static_cast<size_t>(v); }},
};

}  // namespace

Napi::Object serve_settings(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  for (const ServeSetting& setting : kServeSettings) {
    Napi::Array range = Napi::Array::New(env, 2);
    range.Set(uint32_t{0}, Napi::Number::New(env, static_cast<double>(setting.range.min)));
    range.Set(uint32_t{1}, Napi::Number::New(env, static_cast<double>(setting.range.max)));
    out.Set(setting.name, range);
  }
  return out;
}

Napi::Function ServerWrap::define(Napi::Env env) {
  return DefineClass(env, "Server",
                     {InstanceMethod<&ServerWrap::start>("start"), InstanceMethod<&ServerWrap::stop>("stop")});
}

ServerWrap::ServerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ServerWrap>(info) {
  cleanup_hook_added_ = napi_add_env_cleanup_hook(info.Env(), &ServerWrap::on_env_cleanup, this) == napi_ok;
}

ServerWrap::~ServerWrap() {
  if (cleanup_hook_added_) napi_remove_env_cleanup_hook(Env(), &ServerWrap::on_env_cleanup, this);
  if (server_) server_->stop();
  release_loop();
}

void ServerWrap::on_env_cleanup(void* self) {
  auto* wrap = static_cast<ServerWrap*>(self);
  wrap->cleanup_hook_added_ = false;
  if (wrap->server_) wrap->server_->stop();
  wrap->server_.reset();
  // The environment finalizes its thread-safe functions itself; releasing this one later
  // (from the destructor) would touch freed memory.
  wrap->keep_alive_ = nullptr;
}

void ServerWrap::hold_loop(Napi::Env env) {
  if (keep_alive_) return;
  // Never called; Node requires a callback all the same.
  auto never_called = [](napi_env, napi_value, void*, void*) {};
  napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, "jobwire.server"), 0, 1, nullptr,
                                  nullptr, nullptr, never_called, &keep_alive_);
}

void ServerWrap::release_loop() {
  if (!keep_alive_) return;
  napi_release_threadsafe_function(keep_alive_, napi_tsfn_release);
  keep_alive_ = nullptr;
}

Napi::Value ServerWrap::start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
#ifndef JOBWIRE_ADDON_HTTP
  return rejected(env, Status(Code::unavailable, "this build of jobwire has no HTTP engine"));
#else
  Args args(info);
  Napi::Object core_object = args.object(0, "core");
  Napi::Object fields = args.object(1, "options");
  ServerOptions options;
  options.host = args.string(fields, "host");
  options.token = args.optional_string(fields, "token").value_or("");
  options.allow_origins = args.strings(fields, "allow_origins");
  options.static_dir = args.optional_string(fields, "static_dir").value_or("");
  for (const ServeSetting& setting : kServeSettings)
    if (auto value = args.optional_integer(fields, setting.name)) setting.apply(options, *value);
  if (!args.ok()) return rejected(env, args.status());
  if (started_) return rejected(env, bad_argument("a Server starts once"));
  std::shared_ptr<Core> core = CoreWrap::Unwrap(core_object)->open_core();
  if (!core) return rejected(env, closed_error());
  started_ = true;
  return TaskWorker<std::shared_ptr<Server>>::start(
      env, "jobwire.serve",
      [core, options]() -> Result<std::shared_ptr<Server>> {
        Result<std::unique_ptr<Server>> server = Server::start(core, options);
        if (!server.ok()) return server.status();
        return std::shared_ptr<Server>(std::move(server.value()));
      },
      [this](Napi::Env js_env, std::shared_ptr<Server>& server) -> Napi::Value {
        server_ = server;
        hold_loop(js_env);
        Ref();  // a listening server is never collected, like a net.Server
        return Napi::Number::New(js_env, server->port());
      },
      Value());
#endif
}

Napi::Value ServerWrap::stop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Server> server = std::move(server_);
  if (!server) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(env.Undefined());
    return deferred.Promise();
  }
  return TaskWorker<Done>::start(
      env, "jobwire.serverStop",
      [server]() -> Result<Done> {
        server->stop();
        return Done{};
      },
      [this](Napi::Env js_env, Done&) -> Napi::Value {
        release_loop();
        Unref();
        return js_env.Undefined();
      },
      Value());
}

}  // namespace jobwire::addon
