// The one column list every job SELECT uses, and the row → Job mapping that goes with it.
#pragma once

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "store/sqlite/sqlite_db.h"

namespace jobwire {

#define JOBWIRE_JOB_COLUMNS                                                                                   \
  "id, type, project, parent, priority, status, progress, created_at, started_at, completed_at, "             \
  "error_message, file_path, policy_name, output_path, summary, validation, log_lines, updated_seq, tree_path"

// Reads the current row (selected with JOBWIRE_JOB_COLUMNS) into a job; tree_path aside.
Job job_from_row(const Statement& row, std::string* tree_path = nullptr);

#define JOBWIRE_EVENT_COLUMNS "seq, type, ts, job, project, tree_path, envelope"

EventPtr event_from_row(const Statement& row);

}  // namespace jobwire
