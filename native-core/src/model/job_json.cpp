#include "model/job_json.h"

#include <limits>

#include "model/json_fields.h"
#include "model/validation.h"

namespace jobwire {

using namespace json_fields;

namespace {

Status read_priority(const json& object, std::optional<int>& out) {
  auto it = object.find("priority");
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) return invalid("priority must be an integer");
  auto value = it->get<int64_t>();
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
    return invalid("priority is out of range");
  out = static_cast<int>(value);
  return Status::Ok();
}

}  // namespace

Result<NewJob> new_job_from_json(const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed.ok()) return parsed.status();
  const json& object = parsed.value();
  Status s = refuse_unknown(object, {"id", "type", "project", "parent", "priority", "file_path", "policy_name",
                                     "output_path", "summary"});
  if (!s.ok()) return s;
  NewJob job;
  std::optional<std::string> type, project;
  std::optional<int> priority;
  for (auto [field, target] : {std::pair{"id", &job.id}, {"type", &type}, {"project", &project},
                               {"parent", &job.parent}, {"file_path", &job.file_path},
                               {"policy_name", &job.policy_name}, {"output_path", &job.output_path}})
    if (!(s = read_string(object, field, *target)).ok()) return s;
  if (!(s = read_priority(object, priority)).ok()) return s;
  if (!type) return invalid("type is required");
  job.type = *type;
  if (project) job.project = *project;
  if (priority) job.priority = *priority;
  read_json_text(object, "summary", job.summary_json);
  if (!(s = check_new_job(job)).ok()) return s;
  return job;
}

Result<JobPatch> job_patch_from_json(const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed.ok()) return parsed.status();
  const json& object = parsed.value();
  Status s = refuse_unknown(object, {"summary", "validation", "error_message", "output_path", "file_path",
                                     "policy_name", "priority"});
  if (!s.ok()) return s;
  JobPatch patch;
  for (auto [field, target] : {std::pair{"error_message", &patch.error_message}, {"output_path", &patch.output_path},
                               {"file_path", &patch.file_path}, {"policy_name", &patch.policy_name}})
    if (!(s = read_string(object, field, *target)).ok()) return s;
  if (!(s = read_priority(object, patch.priority)).ok()) return s;
  read_json_text(object, "summary", patch.summary_json);
  read_json_text(object, "validation", patch.validation_json);
  if (!(s = check_patch(patch)).ok()) return s;
  return patch;
}

}  // namespace jobwire
