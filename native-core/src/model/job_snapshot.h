// A job kept as text and read back: idempotency keys store the job a write answered with
// (job_to_json's form), so a retry is answered with the same job, not with what it is now.
#pragma once

#include <string>

#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire {

// The job job_to_json wrote (duration_seconds and has_logs are derived, so not read back).
Result<Job> job_from_snapshot(const std::string& text);

}  // namespace jobwire
