// Request targets: percent-decoding, the query string, and typed query parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"
#include "jobwire/event.h"
#include "jobwire/status.h"

namespace jobwire::http {

// Decodes %XX (and '+' as space when `plus_is_space`); nullopt on a malformed escape or a
// NUL (escaped or raw).
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Splits a request target into the decoded path and query; false when malformed.
bool parse_target(std::string_view target, std::string& path,
                  std::vector<std::pair<std::string, std::string>>& query);

// An integer query parameter within [min, max]; `fallback` when absent; an error when it is
// present but not such an integer.
Result<int64_t> int_param(const Request& request, std::string_view name, int64_t fallback,
                          int64_t min, int64_t max);

// The non-empty items of a comma-separated parameter (types=, ids=, fields=).
std::vector<std::string> comma_list(std::string_view text);

// The filters of the event routes: project=, job=, types= (comma-separated).
EventFilter event_filter(const Request& request);

}  // namespace jobwire::http
