// The native Server object behind core.serve(): the HTTP engine over a Core's shared core,
// on its own loop thread. While it listens it keeps the process alive, like a net.Server.
#pragma once

#include <napi.h>

#include <memory>

#include "jobwire/server.h"

namespace jobwire::addon {

// {name: [min, max]} for each number serve() takes, from the server's own ranges.
Napi::Object serve_settings(Napi::Env env);

class ServerWrap : public Napi::ObjectWrap<ServerWrap> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit ServerWrap(const Napi::CallbackInfo& info);
  ~ServerWrap() override;

  ServerWrap(const ServerWrap&) = delete;
  ServerWrap& operator=(const ServerWrap&) = delete;

 private:
  // start(core, options) → Promise<port>; stop() → Promise<void>.
  Napi::Value start(const Napi::CallbackInfo& info);
  Napi::Value stop(const Napi::CallbackInfo& info);
  static void on_env_cleanup(void* self);
  void hold_loop(Napi::Env env);
  void release_loop();

  std::shared_ptr<Server> server_;
  bool started_ = false;
  // A thread-safe function that is never called: only its ref keeps the event loop alive.
  napi_threadsafe_function keep_alive_ = nullptr;
  bool cleanup_hook_added_ = false;
};

}  // namespace jobwire::addon
