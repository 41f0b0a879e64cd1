#include "api/answer.h"

#include <nlohmann/json.hpp>

namespace jobwire::api {

Answer error_answer(Code code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code_name(code)}, {"message", message}}}};
  Answer answer;
  answer.status = code_http_status(code);
  // A message may quote the client's bad input: never let it fail serialization.
  answer.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return answer;
}

Answer error_answer(const Status& status) { return error_answer(status.code(), status.message()); }

Answer snapshot_answer(std::string body, std::string_view epoch, int64_t etag_seq) {
  Answer answer;
  answer.body = std::move(body);
  answer.headers.emplace_back("ETag", make_etag(epoch, etag_seq));
  answer.headers.emplace_back("Cache-Control", "no-cache");
  return answer;
}

std::string make_etag(std::string_view epoch, int64_t seq) {
  std::string etag = "\"";
  etag += epoch;
  etag += '-';
  etag += std::to_string(seq);
  etag += '"';
  return etag;
}

bool etag_matches(std::optional<std::string_view> if_none_match, std::string_view etag) {
  if (!if_none_match) return false;
  std::string_view list = *if_none_match;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);  // weak comparison, as RFC 9110 asks for GET
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

Answer not_modified(std::string etag) {
  Answer answer;
  answer.status = 304;
  answer.headers.emplace_back("ETag", std::move(etag));
  return answer;
}

std::optional<Answer> unchanged_since(const std::optional<std::string>& if_none_match, std::string_view epoch,
                                      int64_t seq) {
  std::string etag = make_etag(epoch, seq);
  if (!etag_matches(if_none_match, etag)) return std::nullopt;
  return not_modified(std::move(etag));
}

}  // namespace jobwire::api
