// Events after a cursor (polling, and long-poll with wait=S), and events since a time.
#include "http/connection.h"
#include "http/handlers.h"
#include "http/json_text.h"
#include "http/long_poll.h"
#include "http/off_loop.h"
#include "http/query.h"
#include "http/server_impl.h"

namespace jobwire::http {
namespace {

constexpr int64_t kMaxWaitSeconds = 120;

Response reset_response(const LogInfo& info) {
  Response response = error_response(Code::reset, "the cursor is older than the retained log: refetch snapshots");
  // Tell the client where the log now starts, so it can resume without another probe.
  append_fields(response.body, {{"oldest", info.oldest_seq}, {"seq", info.head_seq}, {"epoch", info.epoch}});
  return response;
}

}  // namespace

void get_events(RouteContext& ctx) {
  auto after = int_param(ctx.request, "after", 0, 0, INT64_MAX);
  auto limit = int_param(ctx.request, "limit", 100, 1, 1000);
  auto wait = int_param(ctx.request, "wait", 0, 0, kMaxWaitSeconds);
  for (const Status* bad : {&after.status(), &limit.status(), &wait.status()}) {
    if (!bad->ok()) {
      ctx.conn.respond(error_response(*bad));
      return;
    }
  }
  // The read runs off the loop; parking a long-poll that found nothing is the loop's.
  struct Read {
    EventFilter filter;
    Result<EventPage> page = Status{Code::internal, "not read"};
    LogInfo info;  // where the log starts, for a reset
  };
  auto read = std::make_shared<Read>();
  read->filter = event_filter(ctx.request);
  Core* core = &ctx.server.core();
  ServerImpl* server = &ctx.server;
  const size_t page_limit = static_cast<size_t>(limit.value());
  const uint64_t wait_ms = static_cast<uint64_t>(wait.value()) * 1000;
  run_off_loop(
      ctx,
      [read, core, after = after.value(), page_limit] {
        read->page = core->events_after(after, page_limit, read->filter);
        if (!read->page.ok() && read->page.status().code() == Code::reset) read->info = core->log_info();
      },
      [read, server, page_limit, wait_ms](Connection& conn) {
        if (!read->page.ok()) {
          conn.respond(read->page.status().code() == Code::reset ? reset_response(read->info)
                                                                 : error_response(read->page.status()));
          return;
        }
        const EventPage& page = read->page.value();
        if (!page.events.empty() || wait_ms == 0 || server->stopping()) {
          server->metrics().deliveries[static_cast<size_t>(Transport::http)] += page.events.size();
          conn.respond(json_response(events_body(page.events, page.next)));
          return;
        }
        LongPoll::start(*server, conn, page.next, std::move(read->filter), page_limit, wait_ms);
      });
}

void get_status_since(RouteContext& ctx) {
  auto text = ctx.request.param("since");
  std::optional<int64_t> since;
  if (text && !text->empty()) {
    since = parse_iso_time(std::string(*text));
    if (!since) {
      auto ms = int_param(ctx.request, "since", 0, 0, INT64_MAX);
      if (ms.ok()) since = ms.value();
    }
  }
  if (!since) {
    ctx.conn.respond(error_response(Code::invalid_argument, "since must be an ISO-8601 time"));
    return;
  }
  auto limit = int_param(ctx.request, "limit", 1000, 1, 10'000);
  if (!limit.ok()) {
    ctx.conn.respond(error_response(limit.status()));
    return;
  }
  answer_off_loop(ctx, [core = &ctx.server.core(), epoch = ctx.server.epoch(), since = *since,
                        limit = static_cast<size_t>(limit.value())] {
    auto page = core->events_since(since, limit);
    if (!page.ok()) return error_response(page.status());
    std::string body = events_body(page->events, page->next);
    append_fields(body, {{"seq", core->log_info().head_seq}, {"epoch", epoch}});
    return json_response(std::move(body));
  });
}

}  // namespace jobwire::http
