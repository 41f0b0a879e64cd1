#include "http/message.h"

namespace jobwire::http {

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return std::string_view(value);
  return std::nullopt;
}

std::optional<std::string_view> Request::param(std::string_view name) const { return api::param(query, name); }

Response to_response(api::Answer answer) {
  Response response;
  response.status = answer.status;
  if (answer.status == 304) response.content_type.clear();  // a 304 has no body to type
  response.headers = std::move(answer.headers);
  response.body = std::move(answer.body);
  return response;
}

Response error_response(Code code, std::string_view message) { return to_response(api::error_answer(code, message)); }

Response error_response(const Status& status) { return error_response(status.code(), status.message()); }

Response json_response(std::string body, int status) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

const char* status_reason(int status) noexcept {
  switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

}  // namespace jobwire::http
