#include "errors.h"

namespace jobwire::addon {

Napi::Error status_error(Napi::Env env, const Status& status) {
  const char* code = code_name(status.code());
  const std::string& message = status.message().empty() ? std::string(code) : status.message();
  Napi::Error error = status.code() == Code::invalid_argument ? Napi::TypeError::New(env, message)
                                                               : Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

Napi::Value rejected(Napi::Env env, const Status& status) {
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(status_error(env, status).Value());
  return deferred.Promise();
}

}  // namespace jobwire::addon
