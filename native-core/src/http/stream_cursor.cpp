#include "http/stream_cursor.h"

#include <nlohmann/json.hpp>

#include <charconv>

namespace jobwire::http {

Result<std::optional<int64_t>> stream_cursor(const Request& request) {
  std::optional<std::string_view> text = request.header("last-event-id");
  if (!text || text->empty()) text = request.param("after");
  if (!text || text->empty()) text = request.param("lastEventId");
  if (!text || text->empty()) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < 0)
    return Status(Code::invalid_argument, "the resume cursor must be a seq (a non-negative integer)");
  return std::optional<int64_t>(value);
}

std::string hello_json(const LogInfo& info) {
  return nlohmann::json({{"type", "hello"}, {"seq", info.head_seq}, {"oldest", info.oldest_seq}, {"epoch", info.epoch}})
      .dump();
}

std::string control_json(const char* type, int64_t cursor) {
  return nlohmann::json({{"type", type}, {"seq", cursor}}).dump();
}

std::string heartbeat_json(int64_t cursor, bool delayed) {
  return nlohmann::json({{"type", "heartbeat"}, {"seq", cursor}, {"delayed", delayed}}).dump();
}

}  // namespace jobwire::http
