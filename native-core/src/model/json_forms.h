// The JSON values behind job_to_json and event_envelope_json, for code inside the core that
// builds an event's data as a value: the data is serialized once, inside its envelope.
#pragma once

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "model/json_util.h"

namespace jobwire {

json job_json_value(const Job& job, int64_t now_ms);
std::string envelope_json(int64_t seq, const std::string& type, int64_t ts_ms, const std::string& job,
                          const std::optional<std::string>& parent, const std::string& project, json data);

}  // namespace jobwire
