// The route table of DESIGN.md's HTTP API: matches method and path, applies the access
// rule of the route (open, read, write, stream), and calls its handler. The read routes
// come from the API's transport-neutral table (api/read_routes.h).
#pragma once

#include <string>

namespace jobwire::http {

class Connection;
class ServerLoop;
struct Request;

// What a handler gets: the server, the connection to answer on, the request, and the
// {id} segment of the path when the route has one.
struct RouteContext {
  ServerLoop& server;
  Connection& conn;
  const Request& request;
  std::string id;
};

// Routes the connection's current request; the handler answers now or later.
void route_request(ServerLoop& server, Connection& conn);

}  // namespace jobwire::http
