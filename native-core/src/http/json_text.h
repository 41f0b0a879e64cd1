// Assembling answers from JSON that is already serialized (Event::json, job_to_json), so
// nothing is parsed and serialized again; and reading request bodies.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire::http {

// Appends the members of `fields` (a JSON object) to the serialized object `object`.
void append_fields(std::string& object, const nlohmann::json& fields);
// Appends `"key":` and the serialized value `raw` to the serialized object `object`.
void append_raw_field(std::string& object, const char* key, const std::string& raw);
// A job's answer: the job as of now_ms (job_to_json), with its seq and the store's epoch.
std::string job_snapshot_body(const Job& job, const std::string& epoch, int64_t now_ms);
// [json, json, …] of the events' envelopes.
std::string events_array(const std::vector<EventPtr>& events);
// Parses a request body that must be a JSON object (invalid JSON and invalid UTF-8 refused).
Result<nlohmann::json> parse_object(const std::string& body);

// Typed members of a request object; absent or null members are nullopt, a member of the
// wrong type is an invalid_argument.
Result<std::optional<std::string>> string_member(const nlohmann::json& object, const char* key);
// A member of any JSON type, serialized.
std::optional<std::string> raw_member(const nlohmann::json& object, const char* key);

}  // namespace jobwire::http
