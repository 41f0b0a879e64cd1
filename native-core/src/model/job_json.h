// Requests from their JSON form (the HTTP write API): unknown fields and wrong types are
// refused with invalid_argument naming the field.
#pragma once

#include <string>

#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire {

// {"type", "id"?, "project"?, "parent"?, "priority"?, "file_path"?, "policy_name"?,
//  "output_path"?, "summary"?}
Result<NewJob> new_job_from_json(const std::string& body);
// {"summary"?, "validation"?, "error_message"?, "output_path"?, "file_path"?,
//  "policy_name"?, "priority"?}
Result<JobPatch> job_patch_from_json(const std::string& body);

}  // namespace jobwire
