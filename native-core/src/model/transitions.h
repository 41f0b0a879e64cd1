// The job status machine: pending → running | cancelled | failed;
// running → completed | failed | cancelled. Terminal states accept nothing.
#pragma once

#include "jobwire/job.h"

namespace jobwire {

bool transition_allowed(JobStatus from, JobStatus to) noexcept;

}  // namespace jobwire
