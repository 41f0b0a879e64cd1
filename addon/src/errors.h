// The one place where a jobwire::Status becomes a JS Error: message from the status, a
// string `code` from the core's list of codes ("not_found", "invalid_transition", …).
#pragma once

#include <napi.h>

#include <string>

#include "jobwire/status.h"

namespace jobwire::addon {

Napi::Error status_error(Napi::Env env, const Status& status);

// A promise already rejected with `status`, for guards that refuse a call before any work.
Napi::Value rejected(Napi::Env env, const Status& status);

inline Status bad_argument(std::string message) { return {Code::invalid_argument, std::move(message)}; }
inline Status closed_error() { return {Code::closed, "the core is closed"}; }

}  // namespace jobwire::addon
