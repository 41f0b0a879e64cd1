#include "api/json_text.h"

namespace jobwire::api {

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

std::string events_body(const std::vector<EventPtr>& events, int64_t next) {
  std::string body = "{}";
  append_raw_field(body, "events", events_array(events));
  append_fields(body, {{"next", next}});
  return body;
}

}  // namespace jobwire::api
