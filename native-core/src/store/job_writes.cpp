// The writer's operations: each validates against the job as the writer last wrote it, so a
// refused request writes nothing; then it changes the state and appends its event in the
// transaction the group commit opened.
#include <algorithm>

#include "model/json_forms.h"
#include "model/transitions.h"
#include "store/job_writer.h"

namespace jobwire {

namespace {

constexpr size_t kMaxTreeDepth = 64;

Status refused(Code code, std::string message) { return {code, std::move(message)}; }

json optional_time(int64_t ms) { return ms != 0 ? json(iso_time(ms)) : json(); }

}  // namespace

Result<Committed> JobWriter::create_job(const NewJob& request, int64_t now) {
  if (request.id && request.parent && *request.parent == *request.id)
    return refused(Code::invalid_argument, "a job cannot be its own parent (cycle)");
  Job job;
  if (request.id) {
    job.id = *request.id;
    auto exists = job_exists(job.id);
    if (!exists.ok()) return checked(exists.status());
    if (exists.value()) return refused(Code::conflict, "a job with id " + job.id + " already exists");
  } else {
    auto id = new_job_id(now);
    if (!id.ok()) return id.status();
    job.id = std::move(id).value();
  }

  std::string tree_path = "/";
  if (request.parent) {
    auto parent = load_job(*request.parent);
    if (!parent.ok()) {
      if (parent.status().code() == Code::not_found)
        return refused(Code::not_found, "no parent job with id " + *request.parent);
      return parent.status();
    }
    tree_path = parent.value()->tree_path;
    if (static_cast<size_t>(std::count(tree_path.begin(), tree_path.end(), '/')) > kMaxTreeDepth)
      return refused(Code::invalid_argument, "subjob trees are limited to 64 levels");
  }
  tree_path += job.id + "/";

  job.type = request.type;
  job.project = request.project;
  job.parent = request.parent;
  job.priority = request.priority;
  job.created_at_ms = now;
  job.file_path = request.file_path;
  job.policy_name = request.policy_name;
  job.output_path = request.output_path;
  if (request.summary_json) job.summary_json = *request.summary_json;
  job.updated_seq = next_seq_;

  if (Status s = checked(insert_job(job, tree_path, now)); !s.ok()) return s;
  Loaded& entry = cache_job(job, std::move(tree_path));
  entry.updated_at = now;
  auto event = append_event(event_types::kCreated, &entry, job_to_json(job, now), now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> JobWriter::set_status(const std::string& id, JobStatus status,
                                           const std::optional<std::string>& error, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  if (!transition_allowed(job.status, status))
    return refused(Code::invalid_transition, std::string("cannot move job ") + id + " from " +
                                                 job_status_name(job.status) + " to " + job_status_name(status));
  job.status = status;
  if (status == JobStatus::running) job.started_at_ms = now;
  if (is_terminal(status)) job.completed_at_ms = now;
  if (status == JobStatus::completed) job.progress_percent = 100;
  if (error) job.error_message = error;
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  auto duration = job.duration_seconds(now);
  json data = {{"status", job_status_name(status)},
               {"progress_percent", job.progress_percent},
               {"started_at", optional_time(job.started_at_ms)},
               {"completed_at", optional_time(job.completed_at_ms)},
               {"duration_seconds", duration ? json(*duration) : json()},
               {"error_message", job.error_message ? json(*job.error_message) : json()}};
  auto event = append_event(event_types::kStatus, loaded.value(), dump_json(data), now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> JobWriter::set_progress(const std::string& id, double percent, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Loaded& entry = *loaded.value();
  if (is_terminal(entry.job.status))
    return refused(Code::invalid_transition,
                   std::string("job ") + id + " is " + job_status_name(entry.job.status) + ": its progress is final");
  // Past the one refusal the change goes straight into the cache, the writer's most frequent
  // write saving a copy of the job: a store failure rolls back, which drops the cache.
  entry.job.progress_percent = percent;
  entry.job.updated_seq = next_seq_;
  mark_dirty(entry, now);
  progress_data(percent, data_text_);
  auto event = append_event(event_types::kProgress, &entry, data_text_, now);
  if (!event.ok()) return event.status();
  return Committed{entry.job, std::move(event).value()};
}

Result<Committed> JobWriter::update_job(const std::string& id, const JobPatch& patch, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  json data = json::object();
  if (patch.summary_json) {
    job.summary_json = *patch.summary_json;
    data["summary"] = stored_json(job.summary_json);
  }
  if (patch.validation_json) {
    job.validation_json = *patch.validation_json;
    data["validation"] = stored_json(job.validation_json);
  }
  for (auto [name, from, to] : {std::tuple{"error_message", &patch.error_message, &job.error_message},
                                {"output_path", &patch.output_path, &job.output_path},
                                {"file_path", &patch.file_path, &job.file_path},
                                {"policy_name", &patch.policy_name, &job.policy_name}}) {
    if (*from) {
      *to = *from;
      data[name] = **from;
    }
  }
  if (patch.priority) {
    job.priority = *patch.priority;
    data["priority"] = job.priority;
  }
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  auto event = append_event(event_types::kUpdated, loaded.value(), dump_json(data), now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> JobWriter::append_log(const std::string& id, const std::vector<std::string>& lines, int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  int64_t offset = job.log_lines;
  if (Status s = checked(insert_log_lines(id, offset, lines)); !s.ok()) return s;
  job.log_lines = offset + static_cast<int64_t>(lines.size());
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  auto event = append_event(event_types::kLog, loaded.value(), dump_json(json{{"offset", offset}, {"lines", lines}}), now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> JobWriter::register_file(const std::string& id, const std::string& path, FileChange change,
                                              int64_t now) {
  auto loaded = load_job(id);
  if (!loaded.ok()) return loaded.status();
  Job job = loaded.value()->job;  // changed on a copy: a refusal leaves the cache as it was
  auto found = find_file(id, path);
  if (!found.ok()) return checked(found.status());
  std::optional<std::string> file_id = std::move(found).value();
  if (!file_id && change != FileChange::created)
    return refused(Code::not_found, "job " + id + " has no file " + path + " to mark " + file_change_name(change));
  if (!file_id) file_id = "f_" + std::to_string(next_seq_);
  if (Status s = checked(upsert_file(*file_id, id, path, change, now)); !s.ok()) return s;
  job.updated_seq = next_seq_;
  store_job(*loaded.value(), job, now);
  json data = {{"file_id", *file_id}, {"path", path}, {"change", file_change_name(change)}};
  auto event = append_event(event_types::kFile, loaded.value(), dump_json(data), now);
  if (!event.ok()) return event.status();
  return Committed{std::move(job), std::move(event).value()};
}

Result<Committed> JobWriter::emit(const std::string& type, const std::optional<std::string>& job_id,
                                     const std::string& data_json, int64_t now) {
  if (!job_id) {
    auto event = append_event(type, nullptr, dump_json(stored_json(data_json)), now);
    if (!event.ok()) return event.status();
    return Committed{std::nullopt, std::move(event).value()};
  }
  auto loaded = load_job(*job_id);
  if (!loaded.ok()) return loaded.status();
  // A custom event does not change the job, so the job's ETag stays where it was.
  auto event = append_event(type, loaded.value(), dump_json(stored_json(data_json)), now);
  if (!event.ok()) return event.status();
  return Committed{loaded.value()->job, std::move(event).value()};
}

}  // namespace jobwire
