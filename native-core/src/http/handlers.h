// The handlers of the route table, one group per file:
//   routes_read.cpp    snapshots: jobs, a job, logs, files, config, health, metrics
//   routes_sets.cpp    snapshots of many things at once: jobs by id, a project's file changes
//   routes_write.cpp   the write API for producers
//   routes_events.cpp  events after a cursor (poll and long-poll), events since a time
//   sse.cpp            the SSE stream
//   websocket.cpp      the WebSocket
//   static_files.cpp   the dashboard at /
#pragma once

#include "http/router.h"

namespace jobwire::http {

void get_jobs(RouteContext& ctx);
void get_job(RouteContext& ctx);
void get_logs(RouteContext& ctx);
void get_files(RouteContext& ctx);
void get_jobs_by_ids(RouteContext& ctx);
void get_file_changes(RouteContext& ctx);
void get_polling_config(RouteContext& ctx);
void get_health(RouteContext& ctx);
void get_metrics(RouteContext& ctx);

void post_job(RouteContext& ctx);
void post_status(RouteContext& ctx);
void post_progress(RouteContext& ctx);
void post_logs(RouteContext& ctx);
void post_files(RouteContext& ctx);
void patch_job(RouteContext& ctx);
void post_event(RouteContext& ctx);

void get_events(RouteContext& ctx);
void get_status_since(RouteContext& ctx);
void open_sse(RouteContext& ctx);
void open_websocket(RouteContext& ctx);

void get_static(RouteContext& ctx);

}  // namespace jobwire::http
