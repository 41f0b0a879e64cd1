// The bodies of the write API's other routes from their JSON form (job_json.h has new jobs
// and patches). Like those, each refuses an unknown field and a wrong type with
// invalid_argument naming the field, so a misspelt field can never be dropped while the
// rest commits. Ranges and limits are not checked here: the core checks them on every
// write, whichever way it came in (validation.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire {

// POST /api/jobs/{id}/status {"status", "error_message"?}
struct StatusBody {
  JobStatus status = JobStatus::pending;
  std::optional<std::string> error_message;
};
Result<StatusBody> status_body_from_json(const std::string& body);

// POST /api/jobs/{id}/progress {"progress"}: the percent
Result<double> progress_body_from_json(const std::string& body);

// POST /api/jobs/{id}/logs {"lines"}: an array of strings, or one string
Result<std::vector<std::string>> log_body_from_json(const std::string& body);

// POST /api/jobs/{id}/files {"path", "change"?} (change defaults to created)
struct FileBody {
  std::string path;
  FileChange change = FileChange::created;
};
Result<FileBody> file_body_from_json(const std::string& body);

// POST /api/events {"type", "job"?, "data"?} (data defaults to {})
struct EventBody {
  std::string type;
  std::optional<std::string> job;
  std::string data_json = "{}";
};
Result<EventBody> event_body_from_json(const std::string& body);

}  // namespace jobwire
