#include "model/json_fields.h"

#include "model/validation.h"

namespace jobwire::json_fields {

Status invalid(std::string message) { return {Code::invalid_argument, std::move(message)}; }

Result<json> parse_object(const std::string& body) {
  if (!valid_utf8(body)) return invalid("the body is not valid UTF-8");
  auto value = parse_json(body);
  if (!value) return invalid("the body is not valid JSON");
  if (!value->is_object()) return invalid("the body must be a JSON object");
  return std::move(*value);
}

Status refuse_unknown(const json& object, std::initializer_list<const char*> known) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool found = false;
    for (const char* name : known) found = found || it.key() == name;
    if (!found) return invalid("unknown field: " + it.key());
  }
  return Status::Ok();
}

Status read_string(const json& object, const char* field, std::optional<std::string>& out) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return invalid(std::string(field) + " must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

void read_json_text(const json& object, const char* field, std::optional<std::string>& out) {
  auto it = object.find(field);
  if (it != object.end()) out = dump_json(*it);
}

}  // namespace jobwire::json_fields
