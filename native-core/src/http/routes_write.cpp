// The write API for producers in any language. A write goes to the core's writer thread;
// its callback runs there after commit and posts the answer back to the loop thread.
#include <chrono>

#include "http/connection.h"
#include "http/handlers.h"
#include "http/json_text.h"
#include "http/server_impl.h"
#include "model/job_json.h"

namespace jobwire::http {
namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Builds the body of a successful write from what was committed.
using Render = std::string (*)(const Committed& committed, const std::string& epoch);

std::string render_job(const Committed& committed, const std::string& epoch) {
  if (!committed.job) return committed.event->json;
  std::string body = job_to_json(*committed.job, wall_ms());
  append_fields(body, {{"seq", committed.event->seq}, {"epoch", epoch}});
  return body;
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
  if (committed.job && committed.event->type == "job.log") body["total_lines"] = committed.job->log_lines;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string render_event(const Committed& committed, const std::string&) { return committed.event->json; }

// Defers the connection's answer until the core has committed (or refused) the write.
WriteDone answer_when_committed(RouteContext& ctx, int status, Render render) {
  ctx.conn.defer();
  ctx.server.write_started();
  ServerImpl* server = &ctx.server;
  uint64_t id = ctx.conn.id();
  std::shared_ptr<Mailbox> mailbox = ctx.server.mailbox();
  return [mailbox, server, id, status, render](Result<Committed> result) {
    // On the writer thread: only post. The server stays alive until every write it
    // started has come back (stop() waits), and a closed mailbox drops the task.
    mailbox->post([server, id, status, render, result = std::move(result)] {
      server->write_finished();
      server->with_connection(id, [&](Connection& conn) {
        if (!result.ok()) {
          conn.respond(error_response(result.status()));
          return;
        }
        conn.respond(json_response(render(result.value(), server->epoch()), status));
      });
    });
  };
}

// Parses the body as a JSON object, answering 400 when it is not one.
std::optional<nlohmann::json> body_object(RouteContext& ctx) {
  auto parsed = parse_object(ctx.request.body);
  if (!parsed.ok()) {
    ctx.conn.respond(error_response(parsed.status()));
    return std::nullopt;
  }
  return std::move(parsed).value();
}

// Reads a string member into `out`; false (after answering 400) when it has the wrong type.
bool take_string(RouteContext& ctx, const nlohmann::json& object, const char* key, std::optional<std::string>& out) {
  auto member = string_member(object, key);
  if (!member.ok()) {
    ctx.conn.respond(error_response(member.status()));
    return false;
  }
  if (member.value()) out = std::move(*member.value());
  return true;
}

}  // namespace

void post_job(RouteContext& ctx) {
  // The model parses the body: unknown fields and wrong types are refused there, once.
  auto job = new_job_from_json(ctx.request.body);
  if (!job.ok()) {
    ctx.conn.respond(error_response(job.status()));
    return;
  }
  ctx.server.core().create_job(std::move(job).value(), answer_when_committed(ctx, 201, &render_job));
}

void post_status(RouteContext& ctx) {
  auto body = body_object(ctx);
  if (!body) return;
  std::optional<std::string> name, error_message;
  if (!take_string(ctx, *body, "status", name) || !take_string(ctx, *body, "error_message", error_message)) return;
  auto status = name ? parse_job_status(*name) : std::nullopt;
  if (!status) {
    ctx.conn.respond(error_response(Code::invalid_argument,
                                    "status must be one of pending, running, completed, failed, cancelled"));
    return;
  }
  ctx.server.core().set_status(ctx.id, *status, std::move(error_message), answer_when_committed(ctx, 200, &render_job));
}

void post_progress(RouteContext& ctx) {
  auto body = body_object(ctx);
  if (!body) return;
  auto it = body->find("progress");
  if (it == body->end() || !it->is_number()) {
    ctx.conn.respond(error_response(Code::invalid_argument, "progress must be a number from 0 to 100"));
    return;
  }
  double percent = it->get<double>();
  if (!(percent >= 0 && percent <= 100)) {
    ctx.conn.respond(error_response(Code::invalid_argument, "progress must be a number from 0 to 100"));
    return;
  }
  ctx.server.core().set_progress(ctx.id, percent, answer_when_committed(ctx, 200, &render_job));
}

void post_logs(RouteContext& ctx) {
  auto body = body_object(ctx);
  if (!body) return;
  auto it = body->find("lines");
  std::vector<std::string> lines;
  bool valid = it != body->end() && (it->is_array() || it->is_string());
  if (valid && it->is_string()) {
    lines.push_back(it->get<std::string>());
  } else if (valid) {
    for (const auto& line : *it) {
      if (!line.is_string()) {
        valid = false;
        break;
      }
      lines.push_back(line.get<std::string>());
    }
  }
  if (!valid || lines.empty()) {
    ctx.conn.respond(error_response(Code::invalid_argument, "lines must be a non-empty array of strings"));
    return;
  }
  ctx.server.core().append_log(ctx.id, std::move(lines), answer_when_committed(ctx, 201, &render_entries));
}

void post_files(RouteContext& ctx) {
  auto body = body_object(ctx);
  if (!body) return;
  std::optional<std::string> path, change_name;
  if (!take_string(ctx, *body, "path", path) || !take_string(ctx, *body, "change", change_name)) return;
  if (!path || path->empty()) {
    ctx.conn.respond(error_response(Code::invalid_argument, "path is required"));
    return;
  }
  auto change = parse_file_change(change_name.value_or("created"));
  if (!change) {
    ctx.conn.respond(error_response(Code::invalid_argument, "change must be created, modified or deleted"));
    return;
  }
  ctx.server.core().register_file(ctx.id, std::move(*path), *change,
                                  answer_when_committed(ctx, 201, &render_entries));
}

void patch_job(RouteContext& ctx) {
  auto patch = job_patch_from_json(ctx.request.body);
  if (!patch.ok()) {
    ctx.conn.respond(error_response(patch.status()));
    return;
  }
  ctx.server.core().update_job(ctx.id, std::move(patch).value(), answer_when_committed(ctx, 200, &render_job));
}

void post_event(RouteContext& ctx) {
  auto body = body_object(ctx);
  if (!body) return;
  std::optional<std::string> type, job;
  if (!take_string(ctx, *body, "type", type) || !take_string(ctx, *body, "job", job)) return;
  if (!type || !type->starts_with("x.") || type->size() < 3) {
    ctx.conn.respond(error_response(Code::invalid_argument, "type must start with \"x.\""));
    return;
  }
  std::string data = raw_member(*body, "data").value_or("{}");
  ctx.server.core().emit(std::move(*type), std::move(job), std::move(data), answer_when_committed(ctx, 201, &render_event));
}

}  // namespace jobwire::http
