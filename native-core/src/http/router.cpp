#include "http/router.h"

#include <array>
#include <string_view>

#include "http/connection.h"
#include "http/handlers.h"
#include "http/server_impl.h"

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
    Route{"GET", "/api/jobs", Need::read, &get_jobs},
    Route{"POST", "/api/jobs", Need::write, &post_job},
    Route{"GET", "/api/jobs/{id}", Need::read, &get_job},
    Route{"PATCH", "/api/jobs/{id}", Need::write, &patch_job},
    Route{"GET", "/api/jobs/{id}/logs", Need::read, &get_logs},
    Route{"POST", "/api/jobs/{id}/logs", Need::write, &post_logs},
    Route{"GET", "/api/jobs/{id}/files", Need::read, &get_files},
    Route{"POST", "/api/jobs/{id}/files", Need::write, &post_files},
    Route{"POST", "/api/jobs/{id}/status", Need::write, &post_status},
    Route{"POST", "/api/jobs/{id}/progress", Need::write, &post_progress},
    Route{"GET", "/api/files", Need::read, &get_file_changes},
    Route{"GET", "/api/events", Need::read, &get_events},
    Route{"POST", "/api/events", Need::write, &post_event},
    Route{"GET", "/api/events/stream", Need::stream, &open_sse},
    Route{"GET", "/api/status", Need::read, &get_status_since},
    Route{"GET", "/ws", Need::stream, &open_websocket},
    Route{"GET", "/api/config/polling", Need::open, &get_polling_config},
    Route{"GET", "/healthz", Need::open, &get_health},
    Route{"GET", "/metrics", Need::read, &get_metrics},
};

// Matches `path` against `pattern`, capturing the {id} segment.
bool match(std::string_view pattern, std::string_view path, std::string& id) {
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    size_t pattern_end = pattern.find('/');
    size_t path_end = path.find('/');
    std::string_view want = pattern.substr(0, pattern_end);
    std::string_view have = path.substr(0, path_end);
    if (want == "{id}") {
      if (have.empty()) return false;
      id.assign(have);
    } else if (want != have) {
      return false;
    }
    pattern = pattern_end == std::string_view::npos ? std::string_view{} : pattern.substr(pattern_end);
    path = path_end == std::string_view::npos ? std::string_view{} : path.substr(path_end);
  }
  return pattern.empty() && path.empty();
}

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

void route_request(ServerImpl& server, Connection& conn) {
  const Request& request = conn.request();
  if (request.method == "OPTIONS") {
    conn.respond(server.access().preflight(request));
    return;
  }
  // HEAD is GET without the body (the connection leaves it out).
  std::string_view method = request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);
  bool path_known = false;
  for (const Route& route : kRoutes) {
    std::string id;
    if (!match(route.pattern, request.path, id)) continue;
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
