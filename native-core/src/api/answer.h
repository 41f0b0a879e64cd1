// What a route of the API answers, on any transport: a status, headers (ETag, Cache-Control)
// and a JSON body. jobwired writes it as an HTTP response; the addon hands it to JS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jobwire/status.h"

namespace jobwire::api {

struct Answer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON; empty for a 304
};

// {"error":{"code","message"}} with the HTTP status of the code.
Answer error_answer(Code code, std::string_view message);
Answer error_answer(const Status& status);

// A snapshot: its body, with the ETag of `etag_seq` and Cache-Control: no-cache.
Answer snapshot_answer(std::string body, std::string_view epoch, int64_t etag_seq);

// "<epoch>-<seq>" quoted, as sent in ETag.
std::string make_etag(std::string_view epoch, int64_t seq);
// True when an If-None-Match header lists `etag` (or is "*").
bool etag_matches(std::optional<std::string_view> if_none_match, std::string_view etag);
// A 304 answer carrying `etag`.
Answer not_modified(std::string etag);
// A 304 when `if_none_match` names the ETag of `seq`; nullopt when the client's copy is stale.
std::optional<Answer> unchanged_since(const std::optional<std::string>& if_none_match, std::string_view epoch,
                                      int64_t seq);

}  // namespace jobwire::api
