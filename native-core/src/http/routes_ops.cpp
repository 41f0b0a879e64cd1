// Routes for operators: liveness and Prometheus metrics.
#include <nlohmann/json.hpp>

#include "http/connection.h"
#include "http/handlers.h"
#include "http/metrics_gather.h"
#include "http/server_loop.h"

namespace jobwire::http {

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

void get_metrics(RouteContext& ctx) { answer_metrics(ctx.server, ctx.conn); }

}  // namespace jobwire::http
