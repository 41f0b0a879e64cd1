// Snapshot routes. Each answer carries the seq it reflects and the store's epoch, and an
// ETag "<epoch>-<seq>"; a matching If-None-Match is answered 304 from memory (the hub's
// last-touched seq per job, or the head seq for lists) on the loop thread; otherwise the
// store is read off it (off_loop.h).
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

Response snapshot(std::string body, const std::string& epoch, int64_t seq) {
  Response response = json_response(std::move(body));
  response.headers.emplace_back("ETag", make_etag(epoch, seq));
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

// 304 when the client's copy of a job-scoped resource is current; the seq is read from
// memory, so this costs no store query.
bool answered_from_memory(RouteContext& ctx) {
  auto seq = ctx.server.core().job_etag(ctx.id);
  if (!seq) return false;
  std::string etag = make_etag(ctx.server.epoch(), *seq);
  if (!etag_matches(ctx.request.header("if-none-match"), etag)) return false;
  ctx.conn.respond(not_modified(std::move(etag)));
  return true;
}

Result<int64_t> since_param(const Request& request) {
  auto text = request.param("since");
  if (!text || text->empty()) return int64_t{0};
  if (auto ms = parse_iso_time(std::string(*text))) return *ms;
  return int_param(request, "since", 0, 0, INT64_MAX);
}

}  // namespace

void get_jobs(RouteContext& ctx) {
  const Request& request = ctx.request;
  if (request.param("ids")) {
    get_jobs_by_ids(ctx);
    return;
  }
  const std::string epoch = ctx.server.epoch();
  // Any change anywhere moves the head, so an unchanged head means an unchanged list.
  std::string head_etag = make_etag(epoch, ctx.server.core().log_info().head_seq);
  if (etag_matches(request.header("if-none-match"), head_etag)) {
    ctx.conn.respond(not_modified(std::move(head_etag)));
    return;
  }
  JobFilter filter;
  if (auto status = request.param("status"); status && !status->empty()) {
    filter.status = parse_job_status(std::string(*status));
    if (!filter.status) {
      ctx.conn.respond(error_response(Code::invalid_argument, "unknown status " + std::string(*status)));
      return;
    }
  }
  if (auto type = request.param("type"); type && !type->empty()) filter.type = std::string(*type);
  if (auto parent = request.param("parent"); parent && !parent->empty()) filter.parent = std::string(*parent);
  if (auto project = request.param("project"); project && !project->empty()) filter.project = std::string(*project);
  auto since = since_param(request);
  auto offset = int_param(request, "offset", 0, 0, INT64_MAX);
  auto limit = int_param(request, "limit", 50, 1, 1000);
  auto fields = job_fields_param(request);
  for (const Status* bad : {&since.status(), &offset.status(), &limit.status(), &fields.status()}) {
    if (!bad->ok()) {
      ctx.conn.respond(error_response(*bad));
      return;
    }
  }
  filter.since_ms = since.value();
  filter.offset = offset.value();
  filter.limit = limit.value();
  answer_off_loop(ctx, [core = &ctx.server.core(), epoch, filter, fields = std::move(fields).value()] {
    auto page = core->list_jobs(filter);
    if (!page.ok()) return error_response(page.status());
    int64_t now = wall_ms();
    std::string jobs = "[";
    for (size_t i = 0; i < page->jobs.size(); ++i) {
      if (i > 0) jobs += ',';
      jobs += fields.empty() ? job_to_json(page->jobs[i], now) : job_fields_json(page->jobs[i], fields);
    }
    jobs += ']';
    std::string body = "{}";
    append_raw_field(body, "jobs", jobs);
    append_fields(body, {{"total", page->total}, {"offset", page->offset}, {"limit", filter.limit},
                         {"seq", page->seq}, {"epoch", epoch}});
    return snapshot(std::move(body), epoch, page->seq);
  });
}

void get_job(RouteContext& ctx) {
  if (answered_from_memory(ctx)) return;
  if (auto seq = ctx.server.core().job_etag(ctx.id)) {
    if (const std::string* body = ctx.server.job_cache().body(ctx.id, *seq, wall_ms())) {
      ctx.conn.respond(snapshot(*body, ctx.server.epoch(), *seq));
      return;
    }
  }
  auto job = std::make_shared<Result<Job>>(Status{Code::internal, "not read"});
  auto response = std::make_shared<Response>();
  ServerImpl* server = &ctx.server;
  run_off_loop(
      ctx,
      [job, response, core = &ctx.server.core(), epoch = ctx.server.epoch(), id = ctx.id] {
        *job = core->get_job(id);
        *response = job->ok() ? snapshot(job_snapshot_body(job->value(), epoch, wall_ms()), epoch, job->value().updated_seq)
                              : error_response(job->status());
      },
      [job, response, server](Connection& conn) {
        if (job->ok()) server->job_cache().keep(job->value());
        conn.respond(std::move(*response));
      });
}

void get_logs(RouteContext& ctx) {
  auto offset = int_param(ctx.request, "offset", 0, 0, INT64_MAX);
  auto limit = int_param(ctx.request, "limit", 1000, 1, 10'000);
  if (!offset.ok() || !limit.ok()) {
    ctx.conn.respond(error_response(offset.ok() ? limit.status() : offset.status()));
    return;
  }
  if (answered_from_memory(ctx)) return;
  answer_off_loop(ctx, [core = &ctx.server.core(), epoch = ctx.server.epoch(), id = ctx.id, offset = offset.value(),
                        limit = limit.value()] {
    auto page = core->get_logs(id, offset, limit);
    if (!page.ok()) return error_response(page.status());
    nlohmann::json body = {{"job_id", page->job_id}, {"lines", page->lines},       {"total_lines", page->total_lines},
                           {"offset", page->offset}, {"has_more", page->has_more}, {"seq", page->seq},
                           {"epoch", epoch}};
    return snapshot(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), epoch, page->seq);
  });
}

void get_files(RouteContext& ctx) {
  if (answered_from_memory(ctx)) return;
  answer_off_loop(ctx, [core = &ctx.server.core(), epoch = ctx.server.epoch(), id = ctx.id] {
    auto list = core->list_files(id);
    if (!list.ok()) return error_response(list.status());
    nlohmann::json files = nlohmann::json::array();
    for (const FileEntry& file : list->files) {
      files.push_back({{"file_id", file.file_id},
                       {"job_id", file.job_id},
                       {"path", file.path},
                       {"change", file_change_name(file.change)},
                       {"updated_at", iso_time(file.updated_at_ms)}});
    }
    nlohmann::json body = {{"files", std::move(files)}, {"seq", list->seq}, {"epoch", epoch}};
    return snapshot(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), epoch, list->seq);
  });
}

void get_polling_config(RouteContext& ctx) {
  const ServerOptions& options = ctx.server.options();
  nlohmann::json body = {{"interval_ms", options.poll_interval_ms},
                         {"enabled", options.polling_enabled},
                         {"log_interval_ms", options.poll_log_interval_ms}};
  ctx.conn.respond(json_response(body.dump()));
}

void get_health(RouteContext& ctx) {
  LogInfo info = ctx.server.core().log_info();
  bool up = !ctx.server.core().closed();
  nlohmann::json body = {{"status", up ? "ok" : "closed"},
                         {"seq", info.head_seq},
                         {"oldest", info.oldest_seq},
                         {"epoch", info.epoch},
                         // Every instance on a shared store sees the same database: an
                         // unreachable one is reported, not made a failed health check, so a
                         // load balancer keeps the instances that still serve reads and streams.
                         {"store", info.reachable ? "reachable" : "unreachable"}};
  Response response = json_response(body.dump(), up ? 200 : 503);
  response.headers.emplace_back("Cache-Control", "no-store");
  ctx.conn.respond(std::move(response));
}

void get_metrics(RouteContext& ctx) {
  ctx.server.metrics().head_seq = ctx.server.core().log_info().head_seq;
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = ctx.server.metrics().render(ctx.server.connections_by_transport(), ctx.server.core().store_stats(),
                                              ctx.server.stream_gauges());
  ctx.conn.respond(std::move(response));
}

}  // namespace jobwire::http
