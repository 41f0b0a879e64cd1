#include "store/sqlite/job_rows.h"

namespace jobwire {

Job job_from_row(const Statement& row, std::string* tree_path) {
  Job job;
  job.id = row.text(0);
  job.type = row.text(1);
  job.project = row.text(2);
  job.parent = row.optional_text(3);
  job.priority = static_cast<int>(row.int64(4));
  job.status = parse_job_status(row.text(5)).value_or(JobStatus::pending);
  job.progress_percent = row.real(6);
  job.created_at_ms = row.int64(7);
  job.started_at_ms = row.int64(8);
  job.completed_at_ms = row.int64(9);
  job.error_message = row.optional_text(10);
  job.file_path = row.optional_text(11);
  job.policy_name = row.optional_text(12);
  job.output_path = row.optional_text(13);
  job.summary_json = row.text(14);
  job.validation_json = row.text(15);
  job.log_lines = row.int64(16);
  job.updated_seq = row.int64(17);
  if (tree_path) *tree_path = row.text(18);
  return job;
}

EventPtr event_from_row(const Statement& row) {
  auto event = std::make_shared<Event>();
  event->seq = row.int64(0);
  event->type = row.text(1);
  event->ts_ms = row.int64(2);
  event->job = row.text(3);
  event->project = row.text(4);
  event->tree_path = row.text(5);
  event->json = row.text(6);
  return event;
}

}  // namespace jobwire
