#include "store/pg/pg_follower.h"

#include <algorithm>
#include <chrono>

#include "platform/platform.h"
#include "store/pg/pg_rows.h"

namespace jobwire {

namespace {

constexpr int kPageRows = 2'000;
// How often a wait looks at stop(): the socket wait cannot be woken otherwise.
constexpr int kWaitSliceMs = 100;

}  // namespace

PgFollower::PgFollower(std::string conninfo, PostgresOptions options, Hooks hooks)
    : conninfo_(std::move(conninfo)), options_(options), hooks_(std::move(hooks)) {}

PgFollower::~PgFollower() { stop(); }

void PgFollower::start() {
  thread_ = std::thread([this] { run(); });
}

void PgFollower::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool PgFollower::sleep_for(int ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load(); });
}

Status PgFollower::connect() {
  auto conn = PgConn::connect(conninfo_);
  if (!conn.ok()) return conn.status();
  Status s = conn->exec("LISTEN jobwire_log").status();
  if (s.ok()) s = conn->prepare("events_after", "SELECT " JOBWIRE_EVENT_COLUMNS
                                                " FROM events WHERE seq > $1 ORDER BY seq LIMIT $2");
  if (s.ok()) s = conn->prepare("pruned_through", "SELECT value::bigint FROM meta WHERE key = 'pruned_through'");
  if (!s.ok()) return s;
  conn_.emplace(std::move(conn).value());
  return Status::Ok();
}

void PgFollower::run() {
  platform::name_this_thread("jobwire-pg-follow");
  int backoff_ms = 0;
  while (!stopping_) {
    Status s = conn_ ? Status::Ok() : connect();
    // LISTEN comes before the read, so a commit after the read still wakes the wait.
    if (s.ok()) s = catch_up();
    if (!s.ok()) {
      conn_.reset();
      hooks_.reachable(false);
      backoff_ms = std::clamp(backoff_ms * 2, options_.reconnect_min_ms, options_.reconnect_max_ms);
      if (!sleep_for(backoff_ms)) return;
      continue;
    }
    backoff_ms = 0;
    hooks_.reachable(true);
    if (!wait()) return;
  }
}

Status PgFollower::catch_up() {
  auto pruned = conn_->exec_prepared("pruned_through", {});
  if (!pruned.ok()) return pruned.status();
  if (pruned->rows() == 1) hooks_.pruned(pruned->int64(0, 0));
  for (;;) {
    const std::string after = std::to_string(hooks_.published()), limit = std::to_string(kPageRows);
    auto page = conn_->exec_prepared("events_after", {after, limit});
    if (!page.ok()) return page.status();
    std::vector<EventPtr> events;
    events.reserve(page->rows());
    for (int row = 0; row < page->rows(); ++row) events.push_back(event_from_row(page.value(), row));
    if (!events.empty()) hooks_.publish(events);
    if (page->rows() < kPageRows) return Status::Ok();
  }
}

bool PgFollower::wait() {
  for (int waited = 0; waited < options_.catch_up_ms && !stopping_; waited += kWaitSliceMs) {
    auto readable = platform::wait_readable(conn_->socket(), std::min(kWaitSliceMs, options_.catch_up_ms - waited));
    if (!readable.ok() || !readable.value()) continue;
    if (!conn_->consume_input().ok()) return !stopping_;  // the next catch_up finds the loss
    bool notified = false;
    while (conn_->next_notification()) notified = true;
    if (notified) break;
  }
  return !stopping_;
}

}  // namespace jobwire
