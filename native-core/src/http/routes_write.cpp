// The write API for producers in any language. A write goes to the core's writer thread;
// its callback runs there after commit and posts the answer back to the loop thread.
#include "http/connection.h"
#include "http/handlers.h"
#include "api/json_text.h"
#include "jobwire/event.h"
#include "http/server_loop.h"
#include "model/job_json.h"
#include "model/write_json.h"

namespace jobwire::http {
namespace {

// Builds the body of a successful write from what was committed.
using Render = std::string (*)(const Committed& committed, const std::string& epoch);

// The job as of its commit (duration_seconds too), so a replayed answer is the same bytes.
std::string render_job(const Committed& committed, const std::string& epoch) {
  if (!committed.job) return committed.event->json;
  return api::job_snapshot_body(*committed.job, epoch, committed.event->ts_ms);
}

// The new entries (log lines, a file): the event's data with the job id and seq. Parsing
// the envelope back is the one way to reach the data; it is small and parsed once.
std::string render_entries(const Committed& committed, const std::string&) {
  nlohmann::json envelope = nlohmann::json::parse(committed.event->json, nullptr, false);
  nlohmann::json body = envelope.is_object() && envelope.contains("data") && envelope["data"].is_object()
                            ? envelope["data"]
                            : nlohmann::json::object();
  body["job_id"] = committed.event->job;
  body["seq"] = committed.event->seq;
  if (committed.job && committed.event->type == event_types::kLog) body["total_lines"] = committed.job->log_lines;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string render_event(const Committed& committed, const std::string&) { return committed.event->json; }

// Defers the connection's answer until the core has committed (or refused) the write.
WriteDone answer_when_committed(RouteContext& ctx, int status, Render render) {
  ctx.conn.defer();
  ctx.server.work_started();
  ServerLoop* server = &ctx.server;
  uint64_t id = ctx.conn.id();
  std::shared_ptr<Mailbox> mailbox = ctx.server.mailbox();
  return [mailbox, server, id, status, render](Result<Committed> result) {
    // On the writer thread: only post. The server stays alive until every write it
    // started has come back (stop() waits), and a closed mailbox drops the task.
    mailbox->post([server, id, status, render, result = std::move(result)] {
      server->work_finished();
      server->with_connection(id, [&](Connection& conn) {
        if (!result.ok()) {
          conn.respond(error_response(result.status()));
          return;
        }
        Response response = json_response(render(result.value(), server->epoch()), status);
        // As Stripe's API says it: the answer is the first write's, and nothing new committed.
        if (result.value().replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
        conn.respond(std::move(response));
      });
    });
  };
}

// Answers the refusal of a body that did not parse; true when it did.
template <class T>
bool parsed_or_refused(RouteContext& ctx, const Result<T>& parsed) {
  if (!parsed.ok()) ctx.conn.respond(error_response(parsed.status()));
  return parsed.ok();
}

// The Idempotency-Key header, as the core's write option; the core checks it.
WriteOptions write_options(const RouteContext& ctx) {
  WriteOptions options;
  if (auto key = ctx.request.header("idempotency-key")) options.idempotency_key = std::string(*key);
  return options;
}

}  // namespace

void post_job(RouteContext& ctx) {
  // The model parses the body: unknown fields and wrong types are refused there, once.
  auto job = new_job_from_json(ctx.request.body);
  if (!parsed_or_refused(ctx, job)) return;
  ctx.server.core().create_job(std::move(job).value(), answer_when_committed(ctx, 201, &render_job),
                                write_options(ctx));
}

// Each body is parsed by the model alone (write_json.h): an unknown field is refused there
// and nothing is written; the core checks ranges and limits.
void post_status(RouteContext& ctx) {
  auto body = status_body_from_json(ctx.request.body);
  if (!parsed_or_refused(ctx, body)) return;
  ctx.server.core().set_status(ctx.id, body->status, std::move(body->error_message),
                               answer_when_committed(ctx, 200, &render_job), write_options(ctx));
}

void post_progress(RouteContext& ctx) {
  auto percent = progress_body_from_json(ctx.request.body);
  if (!parsed_or_refused(ctx, percent)) return;
  ctx.server.core().set_progress(ctx.id, percent.value(), answer_when_committed(ctx, 200, &render_job), write_options(ctx));
}

void post_logs(RouteContext& ctx) {
  auto lines = log_body_from_json(ctx.request.body);
  if (!parsed_or_refused(ctx, lines)) return;
  ctx.server.core().append_log(ctx.id, std::move(lines).value(), answer_when_committed(ctx, 201, &render_entries), write_options(ctx));
}

void post_files(RouteContext& ctx) {
  auto file = file_body_from_json(ctx.request.body);
  if (!parsed_or_refused(ctx, file)) return;
  ctx.server.core().register_file(ctx.id, std::move(file->path), file->change,
                                  answer_when_committed(ctx, 201, &render_entries), write_options(ctx));
}

void patch_job(RouteContext& ctx) {
  auto patch = job_patch_from_json(ctx.request.body);
  if (!parsed_or_refused(ctx, patch)) return;
  ctx.server.core().update_job(ctx.id, std::move(patch).value(), answer_when_committed(ctx, 200, &render_job), write_options(ctx));
}

void post_event(RouteContext& ctx) {
  auto event = event_body_from_json(ctx.request.body);
  if (!parsed_or_refused(ctx, event)) return;
  ctx.server.core().emit(std::move(event->type), std::move(event->job), std::move(event->data_json),
                         answer_when_committed(ctx, 201, &render_event), write_options(ctx));
}

}  // namespace jobwire::http
