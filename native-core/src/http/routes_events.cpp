// Events after a cursor (polling, and long-poll with wait=S), and events since a time.
#include "http/connection.h"
#include "http/handlers.h"
#include "http/json_text.h"
#include "http/long_poll.h"
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
  EventFilter filter = event_filter(ctx.request);
  auto page = ctx.server.core().events_after(after.value(), static_cast<size_t>(limit.value()), filter);
  if (!page.ok()) {
    ctx.conn.respond(page.status().code() == Code::reset ? reset_response(ctx.server.core().log_info())
                                                         : error_response(page.status()));
    return;
  }
  if (!page->events.empty() || wait.value() == 0 || ctx.server.stopping()) {
    ctx.server.metrics().deliveries[static_cast<size_t>(Transport::http)] += page->events.size();
    ctx.conn.respond(json_response(events_body(page->events, page->next)));
    return;
  }
  LongPoll::start(ctx.server, ctx.conn, page->next, std::move(filter), static_cast<size_t>(limit.value()),
                  static_cast<uint64_t>(wait.value()) * 1000);
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
  auto page = ctx.server.core().events_since(*since, static_cast<size_t>(limit.value()));
  if (!page.ok()) {
    ctx.conn.respond(error_response(page.status()));
    return;
  }
  std::string body = events_body(page->events, page->next);
  append_fields(body, {{"seq", ctx.server.core().log_info().head_seq}, {"epoch", ctx.server.epoch()}});
  ctx.conn.respond(json_response(std::move(body)));
}

}  // namespace jobwire::http
