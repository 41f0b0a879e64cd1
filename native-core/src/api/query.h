// Request targets and their query parameters, as every transport of the API reads them:
// percent-decoding, the query string, and typed parameters with the API's error messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jobwire/event.h"
#include "jobwire/status.h"

namespace jobwire::api {

// The decoded query parameters of a request, in order.
using Query = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX (and '+' as space when `plus_is_space`); nullopt on a malformed escape or a
// NUL (escaped or raw).
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Splits a request target into the decoded path and query; false when malformed.
bool parse_target(std::string_view target, std::string& path, Query& query);

// Matches a decoded path against a route pattern, capturing its "{id}" segment (one
// non-empty path segment).
bool match_path(std::string_view pattern, std::string_view path, std::string& id);

// The first parameter of that name.
std::optional<std::string_view> param(const Query& query, std::string_view name);

// An integer parameter within [min, max]; `fallback` when absent or empty; an error when it
// is present but not such an integer.
Result<int64_t> int_param(const Query& query, std::string_view name, int64_t fallback, int64_t min, int64_t max);

// The non-empty items of a comma-separated parameter (types=, ids=, fields=).
std::vector<std::string> comma_list(std::string_view text);

// The filters of the event routes: project=, job=, types= (comma-separated).
EventFilter event_filter(const Query& query);

}  // namespace jobwire::api
