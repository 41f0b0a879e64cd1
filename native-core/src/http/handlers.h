// The handlers of the route table, one group per file:
//   routes_read.cpp    every read route of api/read_routes.h (snapshots, events after a
//                      cursor with long-poll, events since a time, the polling config)
//   routes_ops.cpp     health, metrics
//   routes_write.cpp   the write API for producers
//   sse.cpp            the SSE stream
//   websocket.cpp      the WebSocket
//   static_files.cpp   the dashboard at /
#pragma once

#include "api/read_routes.h"
#include "http/router.h"

namespace jobwire::http {

void get_read(RouteContext& ctx, const api::ReadRoute& route);
void get_health(RouteContext& ctx);
void get_metrics(RouteContext& ctx);

void post_job(RouteContext& ctx);
void post_status(RouteContext& ctx);
void post_progress(RouteContext& ctx);
void post_logs(RouteContext& ctx);
void post_files(RouteContext& ctx);
void patch_job(RouteContext& ctx);
void post_event(RouteContext& ctx);

void open_sse(RouteContext& ctx);
void open_websocket(RouteContext& ctx);

void get_static(RouteContext& ctx);

}  // namespace jobwire::http
