// The job record and the requests that create or change one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jobwire {

enum class JobStatus { pending, running, completed, failed, cancelled };

const char* job_status_name(JobStatus status) noexcept;
std::optional<JobStatus> parse_job_status(const std::string& name) noexcept;
bool is_terminal(JobStatus status) noexcept;

// Times are milliseconds since the Unix epoch; 0 means "not yet".
struct Job {
  std::string id;
  std::string type;
  std::string project;
  std::optional<std::string> parent;
  int priority = 0;
  JobStatus status = JobStatus::pending;
  double progress_percent = 0;
  int64_t created_at_ms = 0;
  int64_t started_at_ms = 0;
  int64_t completed_at_ms = 0;
  std::optional<std::string> error_message;
  std::optional<std::string> file_path;
  std::optional<std::string> policy_name;
  std::optional<std::string> output_path;
  std::string summary_json = "null";     // any JSON value
  std::string validation_json = "null";  // any JSON value
  int64_t log_lines = 0;
  int64_t updated_seq = 0;  // seq of the last event that touched this job (its ETag)

  bool has_logs() const noexcept { return log_lines > 0; }
  // Seconds from start to completion (or to now while running); nullopt before start.
  std::optional<double> duration_seconds(int64_t now_ms) const noexcept;

  bool operator==(const Job&) const = default;
};

// Serializes a job as the JSON object of DESIGN.md (ISO-8601 times, duration_seconds).
std::string job_to_json(const Job& job, int64_t now_ms);

struct NewJob {
  std::optional<std::string> id;  // made by the server when absent
  std::string type;
  std::string project = "default";
  std::optional<std::string> parent;
  int priority = 0;
  std::optional<std::string> file_path;
  std::optional<std::string> policy_name;
  std::optional<std::string> output_path;
  std::optional<std::string> summary_json;
};

// Fields a producer may change with one `job.updated` event. Absent means "leave as is".
struct JobPatch {
  std::optional<std::string> summary_json;
  std::optional<std::string> validation_json;
  std::optional<std::string> error_message;
  std::optional<std::string> output_path;
  std::optional<std::string> file_path;
  std::optional<std::string> policy_name;
  std::optional<int> priority;
};

struct JobFilter {
  std::optional<JobStatus> status;
  std::optional<std::string> type;
  std::optional<std::string> parent;
  std::optional<std::string> project;
  // Created at or after this time: the jobs that are new. What changed in older jobs is the
  // event log's to say (a cursor), or ids= with its ETag.
  int64_t since_ms = 0;
  int64_t offset = 0;
  int64_t limit = 50;    // 1..1000
};

struct JobPage {
  std::vector<Job> jobs;
  int64_t total = 0;
  int64_t offset = 0;
  int64_t seq = 0;  // the log position this page reflects
};

// The jobs named by id (GET /api/jobs?ids=), read in one transaction.
constexpr size_t kMaxJobIds = 100;

struct JobSet {
  std::vector<Job> jobs;             // in the order asked, each id once; unknown ids left out
  std::vector<std::string> missing;  // the ids asked for that name no job
  int64_t seq = 0;                   // the log position this set reflects (the head)
  // The newest updated_seq among the jobs: the set's ETag, which moves only when one of
  // them changes (or an unknown id is created, since its first seq is above every other).
  int64_t changed_seq = 0;
};

struct LogPage {
  std::string job_id;
  std::vector<std::string> lines;
  int64_t total_lines = 0;
  int64_t offset = 0;
  bool has_more = false;
  int64_t seq = 0;          // the log position this page reflects (the head)
  int64_t changed_seq = 0;  // the job's updated_seq: its last change, logs included (the ETag)
};

enum class FileChange { created, modified, deleted };
const char* file_change_name(FileChange change) noexcept;
std::optional<FileChange> parse_file_change(const std::string& name) noexcept;

struct FileEntry {
  std::string file_id;
  std::string job_id;
  std::string path;
  FileChange change = FileChange::created;  // the latest change
  int64_t updated_at_ms = 0;
};

struct FileList {
  std::vector<FileEntry> files;
  int64_t seq = 0;          // the log position this list reflects (the head)
  int64_t changed_seq = 0;  // the job's updated_seq: its last change, files included (the ETag)
};

// One path's latest change in a project (GET /api/files?project=&since_seq=).
struct FileChangeEntry {
  std::string path;
  std::string job_id;
  std::string file_id;
  FileChange change = FileChange::created;
  int64_t seq = 0;    // the job.file event of this change
  int64_t ts_ms = 0;
};

struct FileChanges {
  std::vector<FileChangeEntry> files;  // one per path, in the order of their latest change
  int64_t since_seq = 0;
  int64_t seq = 0;          // the log position this answer reflects (the head)
  // The seq of the newest change listed, or since_seq when none: the answer's ETag.
  int64_t changed_seq = 0;
};

}  // namespace jobwire
