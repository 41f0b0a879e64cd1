#include "http/metrics_gather.h"

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "http/connection.h"
#include "http/loop_group.h"
#include "http/server_loop.h"

namespace jobwire::http {
namespace {

Response render(ServerLoop& here, const std::vector<LoopReport>& reports) {
  Metrics total = reports[here.index()].metrics;  // its sampled gauges are the ones shown
  total.head_seq = here.core().log_info().head_seq;
  std::array<size_t, kTransportCount> connections{};
  StreamGauges streams;
  streams.queue_drops = here.core().queue_drops();
  std::vector<size_t> by_loop;
  for (size_t i = 0; i < reports.size(); ++i) {
    const LoopReport& report = reports[i];
    if (i != here.index()) total.add(report.metrics);
    size_t open = 0;
    for (size_t t = 0; t < kTransportCount; ++t) {
      connections[t] += report.connections[t];
      open += report.connections[t];
    }
    by_loop.push_back(open);
    streams.held_bytes += report.streams.held_bytes;
    streams.held_frames += report.streams.held_frames;
  }
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = total.render(connections, here.core().store_stats(), streams, by_loop);
  return response;
}

// The reports of one /metrics request, each filled by its loop on its own thread.
class Gather : public std::enable_shared_from_this<Gather> {
 public:
  Gather(ServerLoop& here, uint64_t connection_id, size_t loops)
      : here_(here), connection_id_(connection_id), reports_(loops), waiting_(loops - 1) {
    reports_[here.index()] = here.report();
  }

  void fill(size_t loop, LoopReport report) {
    std::lock_guard lock(mutex_);
    reports_[loop] = std::move(report);
  }

  // A loop replied, or its task was dropped unrun: the last one hands the answer to `here`.
  void arrive() {
    {
      std::lock_guard lock(mutex_);
      if (--waiting_ > 0) return;
    }
    // Dropped when `here` has closed its mailbox: it is ending, and its connections with it.
    here_.mailbox()->post([self = shared_from_this()] {
      ServerLoop& here = self->here_;
      here.work_finished();
      here.with_connection(self->connection_id_, [&](Connection& conn) { conn.respond(render(here, self->reports_)); });
    });
  }

 private:
  ServerLoop& here_;
  const uint64_t connection_id_;
  std::mutex mutex_;
  std::vector<LoopReport> reports_;  // guarded by mutex_ until every loop has arrived
  size_t waiting_;                   // guarded by mutex_
};

// One loop's reply. It arrives when destroyed, so a task a closing mailbox drops unrun still
// counts and the request is answered with what the other loops reported.
class Reply {
 public:
  Reply(std::shared_ptr<Gather> gather, size_t loop) : gather_(std::move(gather)), loop_(loop) {}
  ~Reply() { gather_->arrive(); }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  void fill(LoopReport report) { gather_->fill(loop_, std::move(report)); }

 private:
  std::shared_ptr<Gather> gather_;
  size_t loop_;
};

}  // namespace

void answer_metrics(ServerLoop& here, Connection& conn) {
  LoopGroup& group = here.group();
  if (group.size() == 1) {
    conn.respond(render(here, {here.report()}));
    return;
  }
  auto gather = std::make_shared<Gather>(here, conn.id(), group.size());
  here.work_started();  // stop() waits for the answer, as for an off-loop read
  conn.defer();
  for (size_t i = 0; i < group.size(); ++i) {
    if (i == here.index()) continue;
    ServerLoop* loop = &group.loop(i);
    loop->mailbox()->post([loop, reply = std::make_shared<Reply>(gather, i)] { reply->fill(loop->report()); });
  }
}

}  // namespace jobwire::http
