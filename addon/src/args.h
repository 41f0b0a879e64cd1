// Guards for the arguments JS hands to native methods. index.js validates and applies
// defaults before any native call; these only make sure a caller that skipped it gets an
// `invalid_argument` instead of a crash. The first mismatch is kept; later reads return
// empty values, so a method reads everything, then checks ok() once. Positional arguments
// are a call's own, or one write's slice of a batch (core_writes.cpp).
#pragma once

#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jobwire/status.h"

namespace jobwire::addon {

class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info) : env_(info.Env()), info_(&info) {}
  // The values of `array` from `first` on, as positions 0, 1, …
  Args(Napi::Env env, Napi::Array array, uint32_t first) : env_(env), array_(array), first_(first) {}

  // Positional arguments.
  std::string string(size_t index, const char* name);
  std::optional<std::string> optional_string(size_t index, const char* name);  // undefined, null → nullopt
  double number(size_t index, const char* name);
  int64_t integer(size_t index, const char* name);
  std::optional<int64_t> optional_integer(size_t index, const char* name);
  std::vector<std::string> strings(size_t index, const char* name);
  Napi::Object object(size_t index, const char* name);
  Napi::Function function(size_t index, const char* name);

  // Fields of an object argument.
  std::string string(const Napi::Object& object, const char* key);
  std::optional<std::string> optional_string(const Napi::Object& object, const char* key);
  std::optional<double> optional_number(const Napi::Object& object, const char* key);
  std::optional<int64_t> optional_integer(const Napi::Object& object, const char* key);
  std::vector<std::string> strings(const Napi::Object& object, const char* key);  // absent → empty

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  Napi::Env env() const { return env_; }

 private:
  Napi::Value at(size_t index) const;
  std::optional<std::string> as_string(const Napi::Value& value, const char* name, bool optional);
  std::optional<double> as_number(const Napi::Value& value, const char* name, bool optional);
  std::optional<int64_t> as_integer(const Napi::Value& value, const char* name, bool optional);
  std::vector<std::string> as_strings(const Napi::Value& value, const char* name);
  void fail(const char* name, const char* expected);

  Napi::Env env_;
  const Napi::CallbackInfo* info_ = nullptr;
  Napi::Array array_;
  uint32_t first_ = 0;
  Status status_;
};

}  // namespace jobwire::addon
