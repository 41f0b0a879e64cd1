#include "model/job_snapshot.h"

#include "jobwire/event.h"
#include "model/json_util.h"

namespace jobwire {

namespace {

Status damaged(const char* field) {
  return {Code::io_error, std::string("a stored job snapshot has no valid ") + field};
}

std::optional<std::string> optional_text(const json& object, const char* field) {
  const json& value = object.at(field);
  return value.is_string() ? std::optional<std::string>(value.get<std::string>()) : std::nullopt;
}

// Times are ISO-8601 with milliseconds, null for "not yet" (0).
bool read_time(const json& object, const char* field, int64_t& out) {
  const json& value = object.at(field);
  if (value.is_null()) return (out = 0), true;
  auto ms = value.is_string() ? parse_iso_time(value.get<std::string>()) : std::nullopt;
  if (ms) out = *ms;
  return ms.has_value();
}

}  // namespace

Result<Job> job_from_snapshot(const std::string& text) {
  std::optional<json> parsed = parse_json(text);
  if (!parsed || !parsed->is_object()) return damaged("object");
  const json& object = *parsed;
  for (const char* field : {"id", "type", "project", "status", "progress_percent", "priority", "log_lines",
                            "updated_seq", "parent", "error_message", "file_path", "policy_name", "output_path",
                            "summary", "validation", "created_at", "started_at", "completed_at"})
    if (!object.contains(field)) return damaged(field);
  Job job;
  if (!object["id"].is_string() || !object["type"].is_string() || !object["project"].is_string())
    return damaged("id, type or project");
  job.id = object["id"].get<std::string>();
  job.type = object["type"].get<std::string>();
  job.project = object["project"].get<std::string>();
  auto status = object["status"].is_string() ? parse_job_status(object["status"].get<std::string>()) : std::nullopt;
  if (!status) return damaged("status");
  job.status = *status;
  if (!object["progress_percent"].is_number() || !object["priority"].is_number_integer() ||
      !object["log_lines"].is_number_integer() || !object["updated_seq"].is_number_integer())
    return damaged("number");
  job.progress_percent = object["progress_percent"].get<double>();
  job.priority = object["priority"].get<int>();
  job.log_lines = object["log_lines"].get<int64_t>();
  job.updated_seq = object["updated_seq"].get<int64_t>();
  job.parent = optional_text(object, "parent");
  job.error_message = optional_text(object, "error_message");
  job.file_path = optional_text(object, "file_path");
  job.policy_name = optional_text(object, "policy_name");
  job.output_path = optional_text(object, "output_path");
  job.summary_json = dump_json(object["summary"]);
  job.validation_json = dump_json(object["validation"]);
  if (!read_time(object, "created_at", job.created_at_ms) || !read_time(object, "started_at", job.started_at_ms) ||
      !read_time(object, "completed_at", job.completed_at_ms))
    return damaged("time");
  return job;
}

}  // namespace jobwire
