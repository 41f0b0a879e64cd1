#include "http/json_text.h"

namespace jobwire::http {

void append_fields(std::string& object, const nlohmann::json& fields) {
  std::string members = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (members.size() <= 2) return;  // "{}"
  object.pop_back();                // '}'
  if (object.size() > 1) object += ',';
  object.append(members, 1, std::string::npos);
}

void append_raw_field(std::string& object, const char* key, const std::string& raw) {
  object.pop_back();
  if (object.size() > 1) object += ',';
  object += nlohmann::json(key).dump();
  object += ':';
  object += raw;
  object += '}';
}

std::string job_snapshot_body(const Job& job, const std::string& epoch, int64_t now_ms) {
  std::string body = job_to_json(job, now_ms);
  append_fields(body, {{"seq", job.updated_seq}, {"epoch", epoch}});
  return body;
}

std::string events_array(const std::vector<EventPtr>& events) {
  size_t size = 2;
  for (const auto& event : events) size += event->json.size() + 1;
  std::string out;
  out.reserve(size);
  out += '[';
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out += ',';
    out += events[i]->json;
  }
  out += ']';
  return out;
}

Result<nlohmann::json> parse_object(const std::string& body) {
  // The non-throwing form: a malformed body (bad JSON or bad UTF-8) comes back discarded.
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return Status(Code::invalid_argument, "the body is not valid JSON (UTF-8)");
  if (!parsed.is_object()) return Status(Code::invalid_argument, "the body must be a JSON object");
  return parsed;
}

Result<std::optional<std::string>> string_member(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Status(Code::invalid_argument, std::string(key) + " must be a string");
  return std::optional<std::string>(it->get_ref<const std::string&>());
}

std::optional<std::string> raw_member(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  return it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace jobwire::http
