// The read routes over HTTP: transport glue around the API's route table (api/read_routes.h),
// which owns their parameters, messages and bodies. What stays here is what only a server
// with a loop has: the plan is checked and a 304 answered from memory on the loop thread, a
// job's 200 from the job cache, the store read on libuv's pool (off_loop.h), and a long-poll
// that found nothing parked on the loop.
#include <memory>
#include <variant>

#include "api/read_routes.h"
#include "http/connection.h"
#include "http/handlers.h"
#include "http/long_poll.h"
#include "http/off_loop.h"
#include "http/server_loop.h"
#include "model/wall_clock.h"

namespace jobwire::http {
namespace {

// GET /api/jobs/{id} from the job cache: the rendered body of a job that has not changed.
bool answered_from_cache(RouteContext& ctx, const api::Plan& plan) {
  auto seq = ctx.server.core().job_etag(plan.id);
  if (!seq) return false;
  const std::string* body = ctx.server.job_cache().body(plan.id, *seq, wall_clock_ms());
  if (!body) return false;
  ctx.conn.respond(to_response(api::snapshot_answer(*body, ctx.server.epoch(), *seq)));
  return true;
}

// After the read, on the loop: a job read is kept for the cache, an events read that found
// nothing waits when asked to, and the rest is answered.
void finish(ServerLoop& server, Connection& conn, const api::Plan& plan, api::Outcome& outcome) {
  if (outcome.job) server.job_cache().keep(*outcome.job);
  if (plan.route == api::Route::events && outcome.answer.status == 200) {
    if (outcome.idle && plan.wait_s > 0 && !server.stopping()) {
      LongPoll::start(server, conn, outcome.next, plan.events, static_cast<size_t>(plan.limit),
                      static_cast<uint64_t>(plan.wait_s) * 1000);
      return;
    }
    server.metrics().deliveries[static_cast<size_t>(Transport::http)] += outcome.events;
  }
  conn.respond(to_response(std::move(outcome.answer)));
}

}  // namespace

void get_read(RouteContext& ctx, const api::ReadRoute& route) {
  auto if_none_match = ctx.request.header("if-none-match");
  api::Planned planned = api::plan_read(route, ctx.request.query,
                                        if_none_match ? std::optional<std::string>(*if_none_match) : std::nullopt,
                                        ctx.server.options().polling);
  if (auto* answer = std::get_if<api::Answer>(&planned)) {
    ctx.conn.respond(to_response(std::move(*answer)));
    return;
  }
  auto plan = std::make_shared<api::Plan>(std::move(std::get<api::Plan>(planned)));
  if (auto unchanged = api::answer_from_memory(*plan, ctx.server.core(), ctx.server.epoch())) {
    ctx.conn.respond(to_response(std::move(*unchanged)));
    return;
  }
  if (plan->route == api::Route::job && answered_from_cache(ctx, *plan)) return;
  auto outcome = std::make_shared<api::Outcome>();
  ServerLoop* server = &ctx.server;
  run_off_loop(
      ctx, [plan, outcome, core = &ctx.server.core(), epoch = ctx.server.epoch()] { *outcome = api::read(*plan, *core, epoch); },
      [plan, outcome, server](Connection& conn) { finish(*server, conn, *plan, *outcome); });
}

}  // namespace jobwire::http
