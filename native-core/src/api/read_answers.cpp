// The store reads of the read routes and the bodies they answer (read_routes.h). Each
// snapshot carries the seq it reflects and the store's epoch, and an ETag "<epoch>-<seq>".
#include <nlohmann/json.hpp>

#include "api/job_fields.h"
#include "api/json_text.h"
#include "api/read_routes.h"
#include "model/wall_clock.h"

namespace jobwire::api {
namespace {

std::string dump(const nlohmann::json& body) { return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

Outcome answered(Answer answer) {
  Outcome outcome;
  outcome.answer = std::move(answer);
  return outcome;
}

Answer json_answer(std::string body) {
  Answer answer;
  answer.body = std::move(body);
  return answer;
}

// A refusal; a reset also tells where the log now starts, so the client can start over from
// there without another probe.
Answer refusal(const Status& status, Core& core) {
  Answer answer = error_answer(status);
  if (status.code() == Code::reset) {
    LogInfo info = core.log_info();
    append_fields(answer.body, {{"oldest", info.oldest_seq}, {"seq", info.head_seq}, {"epoch", info.epoch}});
  }
  return answer;
}

// [job, …], each whole or projected to `fields`.
std::string jobs_array(const std::vector<Job>& jobs, const std::vector<std::string>& fields) {
  int64_t now = wall_clock_ms();
  std::string out = "[";
  for (const Job& job : jobs) {
    if (out.size() > 1) out += ',';
    out += fields.empty() ? job_to_json(job, now) : job_fields_json(job, fields);
  }
  out += ']';
  return out;
}

// A snapshot route's answer: 304 when the client's copy is of `etag_seq` (a matching
// If-None-Match, on the store path as from memory), else the body `render` makes.
template <class Render>
Outcome snapshot(const Plan& plan, const std::string& epoch, int64_t etag_seq, Render render) {
  if (auto same = unchanged_since(plan.if_none_match, epoch, etag_seq)) return answered(std::move(*same));
  return answered(snapshot_answer(render(), epoch, etag_seq));
}

Outcome read_jobs(const Plan& plan, Core& core, const std::string& epoch) {
  auto page = core.list_jobs(plan.filter);
  if (!page.ok()) return answered(refusal(page.status(), core));
  return snapshot(plan, epoch, page->seq, [&] {
    std::string body = "{}";
    append_raw_field(body, "jobs", jobs_array(page->jobs, plan.fields));
    append_fields(body, {{"total", page->total}, {"offset", page->offset}, {"limit", plan.filter.limit},
                         {"seq", page->seq}, {"epoch", epoch}});
    return body;
  });
}

Outcome read_jobs_by_ids(const Plan& plan, Core& core, const std::string& epoch) {
  auto set = core.get_jobs(plan.ids);
  if (!set.ok()) return answered(refusal(set.status(), core));
  return snapshot(plan, epoch, set->changed_seq, [&] {
    std::string body = "{}";
    append_raw_field(body, "jobs", jobs_array(set->jobs, plan.fields));
    append_fields(body, {{"missing", set->missing}, {"seq", set->seq}, {"epoch", epoch}});
    return body;
  });
}

Outcome read_job(const Plan& plan, Core& core, const std::string& epoch) {
  auto job = core.get_job(plan.id);
  if (!job.ok()) return answered(refusal(job.status(), core));
  Outcome outcome = snapshot(plan, epoch, job->updated_seq,
                             [&] { return job_snapshot_body(job.value(), epoch, wall_clock_ms()); });
  outcome.job = std::move(job).value();
  return outcome;
}

Outcome read_logs(const Plan& plan, Core& core, const std::string& epoch) {
  auto page = core.get_logs(plan.id, plan.offset, plan.limit);
  if (!page.ok()) return answered(refusal(page.status(), core));
  return snapshot(plan, epoch, page->changed_seq, [&] {
    nlohmann::json body = {{"job_id", page->job_id}, {"lines", page->lines},       {"total_lines", page->total_lines},
                           {"offset", page->offset}, {"has_more", page->has_more}, {"seq", page->seq},
                           {"epoch", epoch}};
    return dump(body);
  });
}

Outcome read_files(const Plan& plan, Core& core, const std::string& epoch) {
  auto list = core.list_files(plan.id);
  if (!list.ok()) return answered(refusal(list.status(), core));
  return snapshot(plan, epoch, list->changed_seq, [&] {
    nlohmann::json files = nlohmann::json::array();
    for (const FileEntry& file : list->files) {
      files.push_back({{"file_id", file.file_id},
                       {"job_id", file.job_id},
                       {"path", file.path},
                       {"change", file_change_name(file.change)},
                       {"updated_at", iso_time(file.updated_at_ms)}});
    }
    return dump({{"files", std::move(files)}, {"seq", list->seq}, {"epoch", epoch}});
  });
}

Outcome read_file_changes(const Plan& plan, Core& core, const std::string& epoch) {
  auto changes = core.file_changes(plan.project, plan.after);
  if (!changes.ok()) return answered(refusal(changes.status(), core));
  return snapshot(plan, epoch, changes->changed_seq, [&] {
    nlohmann::json files = nlohmann::json::array();
    for (const FileChangeEntry& file : changes->files) {
      files.push_back({{"path", file.path},
                       {"change", file_change_name(file.change)},
                       {"job_id", file.job_id},
                       {"file_id", file.file_id},
                       {"seq", file.seq},
                       {"ts", iso_time(file.ts_ms)}});
    }
    return dump({{"project", plan.project},
                 {"since_seq", changes->since_seq},
                 {"files", std::move(files)},
                 {"seq", changes->seq},
                 {"epoch", epoch}});
  });
}

Outcome read_events(const Plan& plan, Core& core) {
  auto page = core.events_after(plan.after, static_cast<size_t>(plan.limit), plan.events);
  if (!page.ok()) {
    if (page.status().code() != Code::reset) return answered(refusal(page.status(), core));
    return answered(refusal(Status(Code::reset, "the cursor is older than the retained log: refetch snapshots"), core));
  }
  Outcome outcome = answered(json_answer(events_body(page->events, page->next)));
  outcome.events = page->events.size();
  outcome.idle = page->events.empty();
  outcome.next = page->next;
  return outcome;
}

Outcome read_status_since(const Plan& plan, Core& core, const std::string& epoch) {
  auto page = core.events_since(plan.after, static_cast<size_t>(plan.limit));
  if (!page.ok()) return answered(refusal(page.status(), core));
  std::string body = events_body(page->events, page->next);
  append_fields(body, {{"seq", core.log_info().head_seq}, {"epoch", epoch}});
  return answered(json_answer(std::move(body)));
}

}  // namespace

Outcome read(const Plan& plan, Core& core, const std::string& epoch) {
  switch (plan.route) {
    case Route::jobs: return read_jobs(plan, core, epoch);
    case Route::jobs_by_ids: return read_jobs_by_ids(plan, core, epoch);
    case Route::job: return read_job(plan, core, epoch);
    case Route::logs: return read_logs(plan, core, epoch);
    case Route::files: return read_files(plan, core, epoch);
    case Route::file_changes: return read_file_changes(plan, core, epoch);
    case Route::events: return read_events(plan, core);
    case Route::status_since: return read_status_since(plan, core, epoch);
    case Route::polling_config: break;  // answered by plan_read
  }
  return answered(error_answer(Code::internal, "this route reads nothing"));
}

}  // namespace jobwire::api
