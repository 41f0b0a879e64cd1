// Names of the job enums and the job's JSON form.
#include "jobwire/job.h"

#include "jobwire/event.h"
#include "model/json_forms.h"

namespace jobwire {

const char* job_status_name(JobStatus status) noexcept {
  switch (status) {
    case JobStatus::pending: return "pending";
    case JobStatus::running: return "running";
    case JobStatus::completed: return "completed";
    case JobStatus::failed: return "failed";
    case JobStatus::cancelled: return "cancelled";
  }
  return "pending";
}

std::optional<JobStatus> parse_job_status(const std::string& name) noexcept {
  for (JobStatus s : {JobStatus::pending, JobStatus::running, JobStatus::completed, JobStatus::failed,
                      JobStatus::cancelled})
    if (name == job_status_name(s)) return s;
  return std::nullopt;
}

bool is_terminal(JobStatus status) noexcept {
  return status == JobStatus::completed || status == JobStatus::failed || status == JobStatus::cancelled;
}

const char* file_change_name(FileChange change) noexcept {
  switch (change) {
    case FileChange::created: return "created";
    case FileChange::modified: return "modified";
    case FileChange::deleted: return "deleted";
  }
  return "created";
}

std::optional<FileChange> parse_file_change(const std::string& name) noexcept {
  for (FileChange c : {FileChange::created, FileChange::modified, FileChange::deleted})
    if (name == file_change_name(c)) return c;
  return std::nullopt;
}

std::optional<double> Job::duration_seconds(int64_t now_ms) const noexcept {
  if (started_at_ms == 0) return std::nullopt;
  int64_t end = completed_at_ms != 0 ? completed_at_ms : now_ms;
  return static_cast<double>(end - started_at_ms) / 1000.0;
}

static json optional_text(const std::optional<std::string>& text) { return text ? json(*text) : json(); }
static json optional_time(int64_t ms) { return ms != 0 ? json(iso_time(ms)) : json(); }

json job_json_value(const Job& job, int64_t now_ms) {
  return {
      {"id", job.id},
      {"type", job.type},
      {"project", job.project},
      {"parent", optional_text(job.parent)},
      {"priority", job.priority},
      {"status", job_status_name(job.status)},
      {"progress_percent", job.progress_percent},
      {"created_at", iso_time(job.created_at_ms)},
      {"started_at", optional_time(job.started_at_ms)},
      {"completed_at", optional_time(job.completed_at_ms)},
      {"duration_seconds", job.duration_seconds(now_ms) ? json(*job.duration_seconds(now_ms)) : json()},
      {"error_message", optional_text(job.error_message)},
      {"file_path", optional_text(job.file_path)},
      {"policy_name", optional_text(job.policy_name)},
      {"output_path", optional_text(job.output_path)},
      {"summary", stored_json(job.summary_json)},
      {"validation", stored_json(job.validation_json)},
      {"has_logs", job.has_logs()},
      {"log_lines", job.log_lines},
      {"updated_seq", job.updated_seq},
  };
}

std::string job_to_json(const Job& job, int64_t now_ms) { return dump_json(job_json_value(job, now_ms)); }

}  // namespace jobwire
