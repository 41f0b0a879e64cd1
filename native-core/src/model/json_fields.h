// Reading the fields of a write's JSON body, shared by every body parser of the model:
// the body must be a JSON object in valid UTF-8, an unknown field is refused by name, and
// a field of the wrong type is refused by name. Absent and null fields are left unset.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "jobwire/status.h"
#include "model/json_util.h"

namespace jobwire::json_fields {

Status invalid(std::string message);
Result<json> parse_object(const std::string& body);
Status refuse_unknown(const json& object, std::initializer_list<const char*> known);
Status read_string(const json& object, const char* field, std::optional<std::string>& out);
// Any JSON value, serialized.
void read_json_text(const json& object, const char* field, std::optional<std::string>& out);

}  // namespace jobwire::json_fields
