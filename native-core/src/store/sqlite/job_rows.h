// The row → Job and row → Event mappings of the SQLite store, for rows selected with the
// column lists of store/columns.h.
#pragma once

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "store/columns.h"
#include "store/sqlite/sqlite_db.h"

namespace jobwire {

// Reads the current row (selected with JOBWIRE_JOB_COLUMNS) into a job; tree_path aside.
Job job_from_row(const Statement& row, std::string* tree_path = nullptr);

EventPtr event_from_row(const Statement& row);

}  // namespace jobwire
