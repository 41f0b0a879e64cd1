// Reads off the loop thread. A store read (a SQLite query, a large page, a cold cache, a
// file of the dashboard) may take milliseconds, and on the loop thread it would hold up every
// stream, long-poll and write acknowledgement of this server. A handler checks its parameters
// and answers what memory can (a 304 from the ETag cache) on the loop, then hands the read to
// libuv's thread pool; the rest runs back on the loop, on the connection if it is still open.
#pragma once

#include <functional>

#include "http/message.h"
#include "http/router.h"

namespace jobwire::http {

class Connection;

// `read` runs on a pool thread: it may use the core (thread-safe) and what it captured by
// value, never the connection, the request or the server's loop state. `then` runs on the
// loop thread afterwards with the connection, which is answered or handed on there.
void run_off_loop(RouteContext& ctx, std::function<void()> read, std::function<void(Connection&)> then);

// The common case: `read` builds the whole response.
void answer_off_loop(RouteContext& ctx, std::function<Response()> read);

}  // namespace jobwire::http
