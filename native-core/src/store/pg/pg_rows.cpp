#include "store/pg/pg_rows.h"

namespace jobwire {

Job job_from_row(const PgResult& result, int row, std::string* tree_path) {
  Job job;
  job.id = result.text(row, 0);
  job.type = result.text(row, 1);
  job.project = result.text(row, 2);
  job.parent = result.optional_text(row, 3);
  job.priority = static_cast<int>(result.int64(row, 4));
  job.status = parse_job_status(result.text(row, 5)).value_or(JobStatus::pending);
  job.progress_percent = result.real(row, 6);
  job.created_at_ms = result.int64(row, 7);
  job.started_at_ms = result.int64(row, 8);
  job.completed_at_ms = result.int64(row, 9);
  job.error_message = result.optional_text(row, 10);
  job.file_path = result.optional_text(row, 11);
  job.policy_name = result.optional_text(row, 12);
  job.output_path = result.optional_text(row, 13);
  job.summary_json = result.text(row, 14);
  job.validation_json = result.text(row, 15);
  job.log_lines = result.int64(row, 16);
  job.updated_seq = result.int64(row, 17);
  if (tree_path) *tree_path = result.text(row, 18);
  return job;
}

EventPtr event_from_row(const PgResult& result, int row) {
  auto event = std::make_shared<Event>();
  event->seq = result.int64(row, 0);
  event->type = result.text(row, 1);
  event->ts_ms = result.int64(row, 2);
  event->job = result.text(row, 3);
  event->project = result.text(row, 4);
  event->tree_path = result.text(row, 5);
  event->json = result.text(row, 6);
  return event;
}

}  // namespace jobwire
