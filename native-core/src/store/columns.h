// The column lists every job and event SELECT uses, on both stores, so the row → Job and
// row → Event mappings (sqlite/job_rows.h, pg/pg_rows.h) read the same positions.
#pragma once

#define JOBWIRE_JOB_COLUMNS                                                                                   \
  "id, type, project, parent, priority, status, progress, created_at, started_at, completed_at, "             \
  "error_message, file_path, policy_name, output_path, summary, validation, log_lines, updated_seq, tree_path"

#define JOBWIRE_EVENT_COLUMNS "seq, type, ts, job, project, tree_path, envelope"
