#include "http/router.h"

#include <array>
#include <string_view>

#include "http/connection.h"
#include "http/handlers.h"
#include "http/server_loop.h"

namespace jobwire::http {
namespace {

enum class Need {
  open,    // anyone (liveness, the dashboard)
  read,    // the token when bound beyond loopback
  write,   // the token
  stream,  // read, and an allowed Origin
};

struct Route {
  std::string_view method;
  std::string_view pattern;  // "{id}" matches one path segment
  Need need;
  void (*handler)(RouteContext&);
};

constexpr std::array kRoutes = {
    Route{"POST", "/api/jobs", Need::write, &post_job},
    Route{"PATCH", "/api/jobs/{id}", Need::write, &patch_job},
    Route{"POST", "/api/jobs/{id}/logs", Need::write, &post_logs},
    Route{"POST", "/api/jobs/{id}/files", Need::write, &post_files},
    Route{"POST", "/api/jobs/{id}/status", Need::write, &post_status},
    Route{"POST", "/api/jobs/{id}/progress", Need::write, &post_progress},
    Route{"POST", "/api/events", Need::write, &post_event},
    Route{"GET", "/api/events/stream", Need::stream, &open_sse},
    Route{"GET", "/ws", Need::stream, &open_websocket},
    Route{"GET", "/healthz", Need::open, &get_health},
    Route{"GET", "/metrics", Need::read, &get_metrics},
};

Status check(const Access& access, Need need, const Request& request) {
  switch (need) {
    case Need::open: return Status::Ok();
    case Need::read: return access.check_read(request);
    // A write from a foreign Origin is refused even with a valid token: a browser sends the
    // jobwire_token cookie along with a cross-site form post (CSRF); a producer sends no Origin.
    case Need::write: {
      Status origin = access.check_origin(request);
      return origin.ok() ? access.check_write(request) : origin;
    }
    case Need::stream: {
      Status origin = access.check_origin(request);
      return origin.ok() ? access.check_read(request) : origin;
    }
  }
  return Status::Ok();
}

}  // namespace

void route_request(ServerLoop& server, Connection& conn) {
  const Request& request = conn.request();
  if (request.method == "OPTIONS") {
    conn.respond(server.access().preflight(request));
    return;
  }
  // HEAD is GET without the body (the connection leaves it out).
  std::string_view method = request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);
  // The read routes are the API's table (api/read_routes.h); the rest are HTTP's own.
  auto read = api::find_read_route(request.path);
  if (read && method == "GET") {
    if (Status allowed = check(server.access(), read->open ? Need::open : Need::read, request); !allowed.ok()) {
      conn.respond(error_response(allowed));
      return;
    }
    RouteContext ctx{server, conn, request, read->id};
    get_read(ctx, *read);
    return;
  }
  bool path_known = read.has_value();
  for (const Route& route : kRoutes) {
    std::string id;
    if (!api::match_path(route.pattern, request.path, id)) continue;
    path_known = true;
    if (route.method != method) continue;
    if (Status allowed = check(server.access(), route.need, request); !allowed.ok()) {
      conn.respond(error_response(allowed));
      return;
    }
    RouteContext ctx{server, conn, request, std::move(id)};
    route.handler(ctx);
    return;
  }
  if (path_known) {
    conn.respond(error_response(Code::not_found, "no route for " + request.method + " " + request.path));
    return;
  }
  if (method == "GET" && !request.path.starts_with("/api/")) {
    RouteContext ctx{server, conn, request, {}};
    get_static(ctx);
    return;
  }
  conn.respond(error_response(Code::not_found, "no route for " + request.method + " " + request.path));
}

}  // namespace jobwire::http
