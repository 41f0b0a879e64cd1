// The table of read routes and the checks of their parameters (read_routes.h).
#include <algorithm>
#include <array>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "api/job_fields.h"
#include "api/read_routes.h"

namespace jobwire::api {
namespace {

// The list filters an ids= read does not take: a set of ids is already the whole question.
constexpr const char* kListOnly[] = {"status", "type", "parent", "project", "since", "offset", "limit"};
constexpr int64_t kMaxWaitSeconds = 120;

struct Entry {
  std::string_view pattern;  // "{id}" matches one path segment
  Route route;
  bool open;
};

constexpr std::array kReadRoutes = {
    Entry{"/api/jobs", Route::jobs, false},
    Entry{"/api/jobs/{id}", Route::job, false},
    Entry{"/api/jobs/{id}/logs", Route::logs, false},
    Entry{"/api/jobs/{id}/files", Route::files, false},
    Entry{"/api/files", Route::file_changes, false},
    Entry{"/api/events", Route::events, false},
    Entry{"/api/status", Route::status_since, false},
    Entry{"/api/config/polling", Route::polling_config, true},
};

// The first refusal among the statuses, or OK.
Status first_refusal(std::initializer_list<const Status*> statuses) {
  for (const Status* status : statuses)
    if (!status->ok()) return *status;
  return Status::Ok();
}

// since= of the job list: an ISO-8601 time, or milliseconds since the epoch.
Result<int64_t> since_param(const Query& query) {
  auto text = param(query, "since");
  if (!text || text->empty()) return int64_t{0};
  if (auto ms = parse_iso_time(std::string(*text))) return *ms;
  return int_param(query, "since", 0, 0, INT64_MAX);
}

Status plan_jobs_by_ids(Plan& plan, const Query& query) {
  plan.route = Route::jobs_by_ids;
  for (const char* name : kListOnly) {
    if (param(query, name)) return Status(Code::invalid_argument, std::string("ids cannot be combined with ") + name);
  }
  plan.ids = comma_list(*param(query, "ids"));
  if (plan.ids.empty() || plan.ids.size() > kMaxJobIds)
    return Status(Code::invalid_argument, "ids must name from 1 to " + std::to_string(kMaxJobIds) + " jobs (it names " +
                                              std::to_string(plan.ids.size()) + ")");
  auto fields = job_fields_param(query);
  if (!fields.ok()) return fields.status();
  plan.fields = std::move(fields).value();
  return Status::Ok();
}

Status plan_jobs(Plan& plan, const Query& query) {
  if (param(query, "ids")) return plan_jobs_by_ids(plan, query);
  JobFilter& filter = plan.filter;
  if (auto status = param(query, "status"); status && !status->empty()) {
    filter.status = parse_job_status(std::string(*status));
    if (!filter.status) return Status(Code::invalid_argument, "unknown status " + std::string(*status));
  }
  if (auto type = param(query, "type"); type && !type->empty()) filter.type = std::string(*type);
  if (auto parent = param(query, "parent"); parent && !parent->empty()) filter.parent = std::string(*parent);
  if (auto project = param(query, "project"); project && !project->empty()) filter.project = std::string(*project);
  auto since = since_param(query);
  auto offset = int_param(query, "offset", 0, 0, INT64_MAX);
  auto limit = int_param(query, "limit", 50, 1, 1000);
  auto fields = job_fields_param(query);
  if (Status bad = first_refusal({&since.status(), &offset.status(), &limit.status(), &fields.status()}); !bad.ok())
    return bad;
  filter.since_ms = since.value();
  filter.offset = offset.value();
  filter.limit = limit.value();
  plan.fields = std::move(fields).value();
  return Status::Ok();
}

Status plan_logs(Plan& plan, const Query& query) {
  auto offset = int_param(query, "offset", 0, 0, INT64_MAX);
  auto limit = int_param(query, "limit", 1000, 1, 10'000);
  if (Status bad = first_refusal({&offset.status(), &limit.status()}); !bad.ok()) return bad;
  plan.offset = offset.value();
  plan.limit = limit.value();
  return Status::Ok();
}

Status plan_file_changes(Plan& plan, const Query& query) {
  auto project = param(query, "project");
  if (!project || project->empty()) return Status(Code::invalid_argument, "project is required");
  auto since = int_param(query, "since_seq", 0, 0, INT64_MAX);
  if (!since.ok()) return since.status();
  plan.project = std::string(*project);
  plan.after = since.value();
  return Status::Ok();
}

Status plan_events(Plan& plan, const Query& query) {
  auto after = int_param(query, "after", 0, 0, INT64_MAX);
  auto limit = int_param(query, "limit", 100, 1, 1000);
  auto wait = int_param(query, "wait", 0, 0, kMaxWaitSeconds);
  if (Status bad = first_refusal({&after.status(), &limit.status(), &wait.status()}); !bad.ok()) return bad;
  plan.after = after.value();
  plan.limit = limit.value();
  plan.wait_s = wait.value();
  plan.events = event_filter(query);
  return Status::Ok();
}

Status plan_status_since(Plan& plan, const Query& query) {
  auto text = param(query, "since");
  std::optional<int64_t> since;
  if (text && !text->empty()) {
    since = parse_iso_time(std::string(*text));
    if (!since) {
      auto ms = int_param(query, "since", 0, 0, INT64_MAX);
      if (ms.ok()) since = ms.value();
    }
  }
  if (!since) return Status(Code::invalid_argument, "since must be an ISO-8601 time");
  auto limit = int_param(query, "limit", 1000, 1, 10'000);
  if (!limit.ok()) return limit.status();
  plan.after = *since;
  plan.limit = limit.value();
  return Status::Ok();
}

Answer polling_answer(const PollingConfig& polling) {
  nlohmann::json body = {
      {"interval_ms", polling.interval_ms}, {"enabled", polling.enabled}, {"log_interval_ms", polling.log_interval_ms}};
  Answer answer;
  answer.body = body.dump();
  return answer;
}

}  // namespace

std::optional<ReadRoute> find_read_route(std::string_view path) {
  for (const Entry& entry : kReadRoutes) {
    std::string id;
    if (match_path(entry.pattern, path, id)) return ReadRoute{entry.route, entry.open, std::move(id)};
  }
  return std::nullopt;
}

Planned plan_read(const ReadRoute& route, const Query& query, std::optional<std::string> if_none_match,
                  const PollingConfig& polling) {
  Plan plan;
  plan.route = route.route;
  plan.id = route.id;
  plan.if_none_match = std::move(if_none_match);
  Status checked = Status::Ok();
  switch (route.route) {
    case Route::jobs:
    case Route::jobs_by_ids: checked = plan_jobs(plan, query); break;
    case Route::logs: checked = plan_logs(plan, query); break;
    case Route::file_changes: checked = plan_file_changes(plan, query); break;
    case Route::events: checked = plan_events(plan, query); break;
    case Route::status_since: checked = plan_status_since(plan, query); break;
    case Route::polling_config: return polling_answer(polling);
    case Route::job:
    case Route::files: break;
  }
  if (!checked.ok()) return error_answer(checked);
  return plan;
}

std::optional<Answer> answer_from_memory(const Plan& plan, const Core& core, const std::string& epoch) {
  if (!plan.if_none_match) return std::nullopt;
  switch (plan.route) {
    // Any change anywhere moves the head, so an unchanged head means an unchanged list.
    case Route::jobs: return unchanged_since(plan.if_none_match, epoch, core.log_info().head_seq);
    case Route::job:
    case Route::logs:
    case Route::files: {
      auto seq = core.job_etag(plan.id);
      return seq ? unchanged_since(plan.if_none_match, epoch, *seq) : std::nullopt;
    }
    // The newest seq that touched any of the ids, when memory knows each of them.
    case Route::jobs_by_ids: {
      int64_t newest = 0;
      for (const std::string& id : plan.ids) {
        auto seq = core.job_etag(id);
        if (!seq) return std::nullopt;
        newest = std::max(newest, *seq);
      }
      return unchanged_since(plan.if_none_match, epoch, newest);
    }
    case Route::file_changes:
    case Route::events:
    case Route::status_since:
    case Route::polling_config: return std::nullopt;
  }
  return std::nullopt;
}

Answer answer_request(Core& core, std::string_view method, std::string_view target, const PollingConfig& polling) {
  std::string path;
  Query query;
  if (!parse_target(target, path, query)) return error_answer(Code::invalid_argument, "the request target is malformed");
  auto route = find_read_route(path);
  if (!route || method != "GET")
    return error_answer(Code::not_found, "no route for " + std::string(method) + " " + path);
  Planned planned = plan_read(*route, query, std::nullopt, polling);
  if (auto* answer = std::get_if<Answer>(&planned)) return std::move(*answer);
  const std::string epoch = core.log_info().epoch;
  return read(std::get<Plan>(planned), core, epoch).answer;
}

}  // namespace jobwire::api
