// The projection of GET /api/jobs?fields=: a client that polls only to learn whether jobs
// moved reads a few fields of each instead of the whole record.
#pragma once

#include <string>
#include <vector>

#include "api/query.h"
#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire::api {

// The fields asked for, each one of status, progress_percent, updated_seq, log_lines (id is
// always sent); empty when the request has no fields=; invalid_argument naming an unknown one.
Result<std::vector<std::string>> job_fields_param(const Query& query);

// {"id", …the fields} of one job.
std::string job_fields_json(const Job& job, const std::vector<std::string>& fields);

}  // namespace jobwire::api
