#include "http/off_loop.h"

#include <uv.h>

#include <memory>

#include "http/connection.h"
#include "http/server_loop.h"

namespace jobwire::http {
namespace {

struct OffLoopWork {
  uv_work_t request{};
  ServerLoop* server = nullptr;
  uint64_t connection_id = 0;
  std::function<void()> read;
  std::function<void(Connection&)> then;
};

void on_pool_thread(uv_work_t* request) { static_cast<OffLoopWork*>(request->data)->read(); }

void back_on_loop(uv_work_t* request, int /*status: the pool never cancels*/) {
  std::unique_ptr<OffLoopWork> work(static_cast<OffLoopWork*>(request->data));
  work->server->work_finished();
  work->server->with_connection(work->connection_id, [&](Connection& conn) { work->then(conn); });
}

}  // namespace

void run_off_loop(RouteContext& ctx, std::function<void()> read, std::function<void(Connection&)> then) {
  auto work = std::make_unique<OffLoopWork>();
  work->request.data = work.get();
  work->server = &ctx.server;
  work->connection_id = ctx.conn.id();
  work->read = std::move(read);
  work->then = std::move(then);
  ctx.server.work_started();
  if (int rc = uv_queue_work(ctx.server.loop(), &work->request, &on_pool_thread, &back_on_loop); rc != 0) {
    ctx.server.work_finished();
    ctx.conn.respond(error_response(Code::internal, std::string("cannot queue the read: ") + uv_strerror(rc)));
    return;
  }
  ctx.conn.defer();  // queued: the answer comes from back_on_loop, after this call
  work.release();  // back_on_loop owns it now
}

void answer_off_loop(RouteContext& ctx, std::function<Response()> read) {
  auto response = std::make_shared<Response>();
  run_off_loop(
      ctx, [response, read = std::move(read)] { *response = read(); },
      [response](Connection& conn) { conn.respond(std::move(*response)); });
}

}  // namespace jobwire::http
