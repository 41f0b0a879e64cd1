// The column lists every store selects jobs and events with, so that both stores' row
// mappings read the same fields in the same order.
#pragma once

#define JOBWIRE_JOB_COLUMNS                                                                                   \
  "id, type, project, parent, priority, status, progress, created_at, started_at, completed_at, "             \
  "error_message, file_path, policy_name, output_path, summary, validation, log_lines, updated_seq, tree_path"

#define JOBWIRE_EVENT_COLUMNS "seq, type, ts, job, project, tree_path, envelope"
