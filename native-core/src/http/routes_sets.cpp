// Snapshot routes for clients that follow many things at once: jobs by id (an agent app
// polling the status of a turn's subjobs) and the documents a project changed since a seq.
// Each ETag is the seq of the last change that touched the answer, so a 304 means exactly
// "none of it changed", however busy the rest of the log is.
#include <algorithm>
#include <chrono>

#include "http/connection.h"
#include "http/handlers.h"
#include "http/job_fields.h"
#include "http/json_text.h"
#include "http/off_loop.h"
#include "http/query.h"
#include "http/server_impl.h"

namespace jobwire::http {
namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The list filters an ids= read does not take: a set of ids is already the whole question.
constexpr const char* kListOnly[] = {"status", "type", "parent", "project", "since", "offset", "limit"};

// The newest seq that touched any of `ids`, from memory; nullopt when one of them is not
// known there (the store must be asked).
std::optional<int64_t> changed_seq_from_memory(const Core& core, const std::vector<std::string>& ids) {
  int64_t newest = 0;
  for (const std::string& id : ids) {
    auto seq = core.job_etag(id);
    if (!seq) return std::nullopt;
    newest = std::max(newest, *seq);
  }
  return newest;
}

// A 304 when the client's copy (its If-None-Match, copied off the request) is current.
std::optional<Response> not_modified_since(const std::optional<std::string>& if_none_match, const std::string& epoch,
                                           int64_t changed_seq) {
  std::string etag = make_etag(epoch, changed_seq);
  if (!etag_matches(if_none_match, etag)) return std::nullopt;
  return not_modified(std::move(etag));
}

std::optional<std::string> if_none_match(const Request& request) {
  auto header = request.header("if-none-match");
  return header ? std::optional<std::string>(*header) : std::nullopt;
}

Response snapshot(std::string body, const std::string& epoch, int64_t etag_seq) {
  Response response = json_response(std::move(body));
  response.headers.emplace_back("ETag", make_etag(epoch, etag_seq));
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace

void get_jobs_by_ids(RouteContext& ctx) {
  const Request& request = ctx.request;
  for (const char* name : kListOnly) {
    if (request.param(name)) {
      ctx.conn.respond(error_response(Code::invalid_argument, std::string("ids cannot be combined with ") + name));
      return;
    }
  }
  std::vector<std::string> ids = comma_list(*request.param("ids"));
  if (ids.empty() || ids.size() > kMaxJobIds) {
    ctx.conn.respond(error_response(Code::invalid_argument,
                                    "ids must name from 1 to " + std::to_string(kMaxJobIds) + " jobs (it names " +
                                        std::to_string(ids.size()) + ")"));
    return;
  }
  auto fields = job_fields_param(request);
  if (!fields.ok()) {
    ctx.conn.respond(error_response(fields.status()));
    return;
  }
  Core& core = ctx.server.core();
  if (auto seq = changed_seq_from_memory(core, ids)) {
    if (auto unchanged = not_modified_since(if_none_match(request), ctx.server.epoch(), *seq)) {
      ctx.conn.respond(std::move(*unchanged));
      return;
    }
  }
  answer_off_loop(ctx, [core = &core, epoch = ctx.server.epoch(), ids = std::move(ids), fields = std::move(fields).value(),
                        if_none_match = if_none_match(request)] {
    auto set = core->get_jobs(ids);
    if (!set.ok()) return error_response(set.status());
    if (auto unchanged = not_modified_since(if_none_match, epoch, set->changed_seq)) return std::move(*unchanged);
    int64_t now = wall_ms();
    std::string jobs = "[";
    for (const Job& job : set->jobs) {
      if (jobs.size() > 1) jobs += ',';
      jobs += fields.empty() ? job_to_json(job, now) : job_fields_json(job, fields);
    }
    jobs += ']';
    std::string body = "{}";
    append_raw_field(body, "jobs", jobs);
    append_fields(body, {{"missing", set->missing}, {"seq", set->seq}, {"epoch", epoch}});
    return snapshot(std::move(body), epoch, set->changed_seq);
  });
}

void get_file_changes(RouteContext& ctx) {
  auto project = ctx.request.param("project");
  if (!project || project->empty()) {
    ctx.conn.respond(error_response(Code::invalid_argument, "project is required"));
    return;
  }
  auto since = int_param(ctx.request, "since_seq", 0, 0, INT64_MAX);
  if (!since.ok()) {
    ctx.conn.respond(error_response(since.status()));
    return;
  }
  answer_off_loop(ctx, [core = &ctx.server.core(), epoch = ctx.server.epoch(), project = std::string(*project),
                        since = since.value(), if_none_match = if_none_match(ctx.request)] {
    auto changes = core->file_changes(project, since);
    if (!changes.ok()) {
      Response response = error_response(changes.status());
      if (changes.status().code() == Code::reset) {
        // As GET /api/events: where the log now starts, so the client can start over from it.
        LogInfo info = core->log_info();
        append_fields(response.body, {{"oldest", info.oldest_seq}, {"seq", info.head_seq}, {"epoch", info.epoch}});
      }
      return response;
    }
    if (auto unchanged = not_modified_since(if_none_match, epoch, changes->changed_seq)) return std::move(*unchanged);
    nlohmann::json files = nlohmann::json::array();
    for (const FileChangeEntry& file : changes->files) {
      files.push_back({{"path", file.path},
                       {"change", file_change_name(file.change)},
                       {"job_id", file.job_id},
                       {"file_id", file.file_id},
                       {"seq", file.seq},
                       {"ts", iso_time(file.ts_ms)}});
    }
    nlohmann::json body = {{"project", project},
                           {"since_seq", changes->since_seq},
                           {"files", std::move(files)},
                           {"seq", changes->seq},
                           {"epoch", epoch}};
    return snapshot(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), epoch,
                    changes->changed_seq);
  });
}

}  // namespace jobwire::http
