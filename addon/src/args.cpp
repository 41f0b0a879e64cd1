#include "args.h"

#include <cmath>

namespace jobwire::addon {

namespace {

bool absent(const Napi::Value& value) { return value.IsUndefined() || value.IsNull(); }

// Integers JS can carry exactly: what Number.isSafeInteger accepts.
constexpr double kMaxSafeInteger = 9007199254740991.0;

}  // namespace

Napi::Value Args::at(size_t index) const {
  if (info_) return (*info_)[index];
  return array_.Get(first_ + static_cast<uint32_t>(index));
}

void Args::fail(const char* name, const char* expected) {
  if (status_.ok()) status_ = Status(Code::invalid_argument, std::string(name) + " must be " + expected);
}

std::optional<std::string> Args::as_string(const Napi::Value& value, const char* name, bool optional) {
  if (!ok()) return std::nullopt;
  if (optional && absent(value)) return std::nullopt;
  if (!value.IsString()) {
    fail(name, "a string");
    return std::nullopt;
  }
  return value.As<Napi::String>().Utf8Value();
}

std::optional<double> Args::as_number(const Napi::Value& value, const char* name, bool optional) {
  if (!ok()) return std::nullopt;
  if (optional && absent(value)) return std::nullopt;
  if (!value.IsNumber() || !std::isfinite(value.As<Napi::Number>().DoubleValue())) {
    fail(name, "a finite number");
    return std::nullopt;
  }
  return value.As<Napi::Number>().DoubleValue();
}

std::optional<int64_t> Args::as_integer(const Napi::Value& value, const char* name, bool optional) {
  std::optional<double> number = as_number(value, name, optional);
  if (!number) return std::nullopt;
  if (std::trunc(*number) != *number || std::fabs(*number) > kMaxSafeInteger) {
    fail(name, "an integer");
    return std::nullopt;
  }
  return static_cast<int64_t>(*number);
}

std::vector<std::string> Args::as_strings(const Napi::Value& value, const char* name) {
  std::vector<std::string> out;
  if (!ok() || absent(value)) return out;
  if (!value.IsArray()) {
    fail(name, "an array of strings");
    return out;
  }
  auto array = value.As<Napi::Array>();
  uint32_t length = array.Length();
  out.reserve(length);
  for (uint32_t i = 0; i < length; ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) {
      fail(name, "an array of strings");
      return {};
    }
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

std::string Args::string(size_t index, const char* name) { return as_string(at(index), name, false).value_or(""); }

std::optional<std::string> Args::optional_string(size_t index, const char* name) {
  return as_string(at(index), name, true);
}

double Args::number(size_t index, const char* name) { return as_number(at(index), name, false).value_or(0); }

int64_t Args::integer(size_t index, const char* name) { return as_integer(at(index), name, false).value_or(0); }

std::optional<int64_t> Args::optional_integer(size_t index, const char* name) {
  return as_integer(at(index), name, true);
}

std::vector<std::string> Args::strings(size_t index, const char* name) { return as_strings(at(index), name); }

Napi::Object Args::object(size_t index, const char* name) {
  if (ok() && at(index).IsObject()) return at(index).As<Napi::Object>();
  fail(name, "an object");
  return Napi::Object::New(env_);
}

Napi::Function Args::function(size_t index, const char* name) {
  if (ok() && at(index).IsFunction()) return at(index).As<Napi::Function>();
  fail(name, "a function");
  return Napi::Function();
}

std::string Args::string(const Napi::Object& object, const char* key) {
  return as_string(object.Get(key), key, false).value_or("");
}

std::optional<std::string> Args::optional_string(const Napi::Object& object, const char* key) {
  return as_string(object.Get(key), key, true);
}

std::optional<double> Args::optional_number(const Napi::Object& object, const char* key) {
  return as_number(object.Get(key), key, true);
}

std::optional<int64_t> Args::optional_integer(const Napi::Object& object, const char* key) {
  return as_integer(object.Get(key), key, true);
}

std::vector<std::string> Args::strings(const Napi::Object& object, const char* key) {
  return as_strings(object.Get(key), key);
}

}  // namespace jobwire::addon
