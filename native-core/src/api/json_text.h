// Assembling answers from JSON that is already serialized (Event::json, job_to_json), so
// nothing is parsed and serialized again.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "jobwire/event.h"
#include "jobwire/job.h"

namespace jobwire::api {

// Appends the members of `fields` (a JSON object) to the serialized object `object`.
void append_fields(std::string& object, const nlohmann::json& fields);
// Appends `"key":` and the serialized value `raw` to the serialized object `object`.
void append_raw_field(std::string& object, const char* key, const std::string& raw);
// A job's answer: the job as of now_ms (job_to_json), with its seq and the store's epoch.
std::string job_snapshot_body(const Job& job, const std::string& epoch, int64_t now_ms);
// [json, json, …] of the events' envelopes.
std::string events_array(const std::vector<EventPtr>& events);
// {"events":[…],"next":N}
std::string events_body(const std::vector<EventPtr>& events, int64_t next);

}  // namespace jobwire::api
