// The row → Job and row → Event mappings of the PostgreSQL store, for rows selected with the
// column lists of store/columns.h: the twins of sqlite/job_rows.h.
#pragma once

#include <string>

#include "jobwire/event.h"
#include "jobwire/job.h"
#include "store/columns.h"
#include "store/pg/pg_conn.h"

namespace jobwire {

// Reads `row` (selected with JOBWIRE_JOB_COLUMNS) into a job; tree_path aside.
Job job_from_row(const PgResult& result, int row, std::string* tree_path = nullptr);

EventPtr event_from_row(const PgResult& result, int row);

}  // namespace jobwire
