// The JSON values behind job_to_json and event_envelope_json, for code inside the core that
// builds an event's data as a value: the data is serialized once, inside its envelope.
#pragma once

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "model/json_util.h"

#include <string_view>

namespace jobwire {

json job_json_value(const Job& job, int64_t now_ms);

// The writer makes an envelope for every write, most of them for a job it wrote before and
// within a group that shares one timestamp. These are the envelope's members as JSON text,
// each serialized by nlohmann::json once and reused; envelope_from_parts joins them in the
// documented key order (a test holds the text equal to nlohmann's dump of the whole object).
struct EnvelopeSubject {
  std::string members;  // "job":…,"parent":…,"project":…
};
EnvelopeSubject envelope_subject(const std::string& job, const std::optional<std::string>& parent,
                                 const std::string& project);
std::string envelope_time(int64_t ts_ms);         // the "ts" value, quoted
std::string envelope_type(const std::string& type);  // the "type" value, quoted
// `data_text` is the data value as JSON text, dump_json's. Written into `out`, whose
// capacity is kept (the writer reuses events).
void envelope_from_parts(int64_t seq, const std::string& quoted_type, const std::string& time,
                         const EnvelopeSubject& subject, std::string_view data_text, std::string& out);
// A job.progress event's data, {"progress_percent":…}: the writer's most frequent, made
// without building the object, into `out` (its capacity kept for the next).
void progress_data(double percent, std::string& out);

}  // namespace jobwire
