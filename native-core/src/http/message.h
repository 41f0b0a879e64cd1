// A parsed HTTP request and the response a handler builds. Plain values: the connection
// fills the request from llhttp callbacks and serializes the response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/answer.h"
#include "api/query.h"
#include "jobwire/status.h"

namespace jobwire::http {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // the raw request target: path and query
  std::string path;    // percent-decoded path
  api::Query query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
  std::string body;
  bool keep_alive = true;
  bool upgrade = false;

  // The first header of that (lower-case) name.
  std::optional<std::string_view> header(std::string_view name) const;
  // The first query parameter of that name.
  std::optional<std::string_view> param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool compressible = true;  // may be gzipped when the client asks for it
};

// An answer of the API's route table (api/), as an HTTP response.
Response to_response(api::Answer answer);
// {"error":{"code","message"}} with the HTTP status of the code.
Response error_response(Code code, std::string_view message);
Response error_response(const Status& status);
// A JSON body with status 200 (or `status`).
Response json_response(std::string body, int status = 200);

const char* status_reason(int status) noexcept;

}  // namespace jobwire::http
