// How connections reach the loops. Loop 0 owns the one listening socket; for each connection
// it picks the loop with the fewest open connections and either accepts into that loop
// directly (itself) or hands the socket over through that loop's mailbox, where it is opened
// with uv_tcp_open.
//
// Why one acceptor rather than an SO_REUSEPORT listener per loop: the port stays bound
// exclusively, so a second jobwired started on it still fails with "address already in use"
// instead of silently taking a share of the clients (with SO_REUSEPORT any process of the same
// user joins the group); it behaves the same on macOS, whose SO_REUSEPORT does not balance;
// port 0 needs no second bind; and "fewest open" keeps long-lived streams even where the
// kernel's hash of addresses does not. The cost, a dup and an async wakeup, is paid once per
// connection; streams live for minutes. Passing the handle over a libuv IPC pipe (uv_write2)
// would cost a sendmsg and recvmsg per connection for the same result within one process.
#include <functional>
#include <memory>
#include <utility>

#include "http/connection.h"
#include "http/loop_group.h"
#include "http/server_loop.h"
#include "platform/platform.h"

namespace jobwire::http {
namespace {

// A socket on its way to another loop: closed if it never arrives (the loop's mailbox closed).
class HandedSocket {
 public:
  explicit HandedSocket(uv_os_sock_t socket) : socket_(socket) {}
  ~HandedSocket() {
    if (socket_ >= 0) platform::close_socket(socket_);
  }
  HandedSocket(const HandedSocket&) = delete;
  HandedSocket& operator=(const HandedSocket&) = delete;
  uv_os_sock_t release() noexcept { return std::exchange(socket_, -1); }

 private:
  uv_os_sock_t socket_;
};

}  // namespace

void ServerLoop::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<ServerLoop*>(listener->data);
  if (status < 0 || self->stopping_) return;
  ServerLoop& target = self->group_.least_loaded();
  target.assigned_.fetch_add(1, std::memory_order_relaxed);
  // Counted in first, as a connection joined the map before the cap was checked.
  bool refuse = self->group_.open_connections() > self->options_.max_connections;
  if (&target == self) {
    self->accept_one(refuse);
  } else {
    self->hand_off(target, refuse);
  }
}

void ServerLoop::accept_one(bool refuse) {
  add_connection(refuse, [this](Connection& conn) { return conn.accept(reinterpret_cast<uv_stream_t*>(&listener_)); });
}

void ServerLoop::hand_off(ServerLoop& target, bool refuse) {
  auto* accepted = new uv_tcp_t;
  uv_tcp_init(&loop_, accepted);
  uv_os_fd_t fd = -1;
  int socket = -1;
  if (uv_accept(reinterpret_cast<uv_stream_t*>(&listener_), reinterpret_cast<uv_stream_t*>(accepted)) == 0 &&
      uv_fileno(reinterpret_cast<uv_handle_t*>(accepted), &fd) == 0)
    socket = platform::duplicate_socket(fd);
  uv_close(reinterpret_cast<uv_handle_t*>(accepted), [](uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); });
  if (socket < 0) {
    target.assigned_.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  auto handed = std::make_shared<HandedSocket>(socket);
  ServerLoop* to = &target;
  if (!target.mailbox_->post([to, handed, refuse] { to->adopt(handed->release(), refuse); }))
    target.assigned_.fetch_sub(1, std::memory_order_relaxed);
}

void ServerLoop::adopt(uv_os_sock_t socket, bool refuse) {
  if (stopping_) {
    platform::close_socket(socket);
    assigned_.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  add_connection(refuse, [socket](Connection& conn) {
    int rc = conn.open(socket);
    if (rc != 0) platform::close_socket(socket);
    return rc;
  });
}

void ServerLoop::add_connection(bool refuse, const std::function<int(Connection&)>& start) {
  uint64_t id = next_id_++;
  auto conn = std::make_unique<Connection>(*this, id);
  Connection* raw = conn.get();
  auto [it, inserted] = connections_.emplace(id, std::move(conn));
  if (start(*raw) != 0) {
    if (!raw->closing()) erase_connection(it);  // never opened: nothing to close
    return;
  }
  ++metrics_.accepted_connections;
  if (refuse) {
    ++metrics_.refused_connections;
    raw->refuse(Code::unavailable, "too many connections");
  }
}

}  // namespace jobwire::http
