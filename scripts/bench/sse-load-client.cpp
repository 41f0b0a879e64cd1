// Native load process of the SSE fan-out benchmark (spawned by http-fanout.js with
// --client native). Opens `count` SSE connections from one libuv thread, counts the event
// frames each receives, and on every `sampleEvery`-th connection reads the producer's send
// time ("t": in the event data) to measure delivery latency. At ~1 M frames/s a Node load
// process lags by itself and its lag lands in the measured p99; this one keeps up.
//   build/bench_sse_client <url e.g. http://127.0.0.1:7700> <count> <sampleEvery> <path>
// Control is one JSON line per message on stdout ({"type":"ready"|"report"|"error",...}) and
// one command per line on stdin: reset | report | exit (end of input exits too).
// It raises no file limit: scripts/bench/http-fanout.sh does.
#include <llhttp.h>
#include <uv.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Connections waiting for their response headers at once: enough to open 10,000 in a few
// seconds, few enough not to overrun the server's accept backlog.
constexpr size_t kConnectWindow = 200;
constexpr size_t kReadBufferSize = 64 * 1024;
constexpr std::string_view kFrameEnd = "\n\n";
constexpr std::string_view kTimeMark = "\"t\":";

struct Connection {
  uv_tcp_t tcp{};
  uv_connect_t connect{};
  uv_write_t write{};
  llhttp_t parser{};
  size_t index = 0;
  bool sampled = false;
  bool open = false;   // response headers seen and not closed since
  std::string carry;   // the start of a frame whose blank line has not arrived yet
};

struct LoadClient {
  uv_loop_t* loop = nullptr;
  sockaddr_storage address{};
  std::string authority;  // host:port, for the error messages
  std::string request;
  size_t count = 0;
  size_t sample_every = 1;
  size_t started = 0;  // connects begun
  size_t waiting = 0;  // connects begun whose response headers have not arrived
  size_t open = 0;
  bool ready_sent = false;
  uint64_t received = 0;
  std::vector<double> latencies;
  double arrived_ms = 0;  // wall clock when the read being parsed arrived
  llhttp_settings_t settings{};
  std::vector<std::unique_ptr<Connection>> connections;
  uv_pipe_t stdin_pipe{};
  uv_tty_t stdin_tty{};
  std::string input;  // stdin bytes after the last whole command line
};

LoadClient client;

// The producer stamps events with Node's performance.timeOrigin + performance.now(): wall
// clock milliseconds, so the receipt time must be the wall clock too.
double wall_clock_ms() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

void emit(const nlohmann::json& message) {
  std::string line = message.dump();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

[[noreturn]] void fail(const std::string& message) {
  emit({{"type", "error"}, {"message", message}});
  std::exit(1);
}

std::string socket_error(int code) {
  if (code == UV_EMFILE || code == UV_ENFILE) {
    return "cannot create socket " + std::to_string(client.started + 1) + " of " + std::to_string(client.count) +
           ": too many open files (" + uv_err_name(code) +
           "); raise the limit with `ulimit -n` (scripts/bench/http-fanout.sh does)";
  }
  return "connect to " + client.authority + ": " + uv_strerror(code);
}

// One whole frame, without its blank line. An event frame has a data line; heartbeat
// comments (": hb") and the opening "retry:" frame do not, and are not counted.
void on_frame(const Connection& conn, std::string_view frame) {
  size_t data = 0;
  if (!frame.starts_with("data:")) {
    data = frame.find("\ndata:");
    if (data == std::string_view::npos) return;
    ++data;
  }
  ++client.received;
  if (!conn.sampled) return;
  size_t mark = frame.find(kTimeMark, data);
  if (mark == std::string_view::npos) return;
  const char* first = frame.data() + mark + kTimeMark.size();
  const char* last = frame.data() + frame.size();
  while (first < last && *first == ' ') ++first;
  double sent_ms = 0;
  if (std::from_chars(first, last, sent_ms).ec != std::errc{}) return;
  // Microseconds are plenty, and they keep the report's JSON short.
  client.latencies.push_back(std::round((client.arrived_ms - sent_ms) * 1e3) / 1e3);
}

// Splits the body into frames; a frame cut by the end of a read waits in `carry`.
void feed_body(Connection& conn, std::string_view body) {
  if (body.empty()) return;
  if (!conn.carry.empty()) {
    size_t end = 0;
    if (conn.carry.back() == '\n' && body.front() == '\n') {
      end = 1;  // the blank line itself was cut in two
    } else {
      size_t at = body.find(kFrameEnd);
      if (at == std::string_view::npos) {
        conn.carry.append(body);
        return;
      }
      end = at + kFrameEnd.size();
    }
    conn.carry.append(body.substr(0, end));
    on_frame(conn, std::string_view(conn.carry).substr(0, conn.carry.size() - kFrameEnd.size()));
    conn.carry.clear();
    body.remove_prefix(end);
  }
  size_t start = 0;
  for (size_t at = body.find(kFrameEnd); at != std::string_view::npos; at = body.find(kFrameEnd, start)) {
    on_frame(conn, body.substr(start, at - start));
    start = at + kFrameEnd.size();
  }
  conn.carry.assign(body.substr(start));
}

void start_connects();

void announce_ready_once() {
  if (client.ready_sent || client.open < client.count) return;
  client.ready_sent = true;
  emit({{"type", "ready"}, {"open", client.open}});
}

int on_headers_complete(llhttp_t* parser) {
  auto& conn = *static_cast<Connection*>(parser->data);
  if (parser->status_code != 200) {
    fail("connection " + std::to_string(conn.index) + ": the server answered HTTP " +
         std::to_string(parser->status_code) + " instead of an event stream");
  }
  conn.open = true;
  ++client.open;
  --client.waiting;
  start_connects();
  announce_ready_once();
  return 0;
}

int on_body(llhttp_t* parser, const char* at, size_t length) {
  feed_body(*static_cast<Connection*>(parser->data), std::string_view(at, length));
  return 0;
}

void allocate(uv_handle_t*, size_t, uv_buf_t* buf) {
  // One loop thread parses each read before the next: one buffer serves every connection.
  static char buffer[kReadBufferSize];
  *buf = uv_buf_init(buffer, kReadBufferSize);
}

void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto& conn = *static_cast<Connection*>(stream->data);
  if (nread > 0) {
    if (conn.sampled) client.arrived_ms = wall_clock_ms();
    llhttp_errno_t err = llhttp_execute(&conn.parser, buf->base, static_cast<size_t>(nread));
    if (err != HPE_OK) {
      fail("connection " + std::to_string(conn.index) + ": malformed HTTP response: " +
           llhttp_get_error_reason(&conn.parser));
    }
    return;
  }
  if (nread == 0) return;  // nothing to read this time (EAGAIN)
  if (!conn.open) {
    fail("connection " + std::to_string(conn.index) + " to " + client.authority +
         " closed before its response headers: " + uv_strerror(static_cast<int>(nread)));
  }
  // A stream the server ended: it no longer counts as open, as in the Node client.
  conn.open = false;
  --client.open;
  uv_close(reinterpret_cast<uv_handle_t*>(&conn.tcp), nullptr);
}

void on_request_written(uv_write_t* req, int status) {
  auto& conn = *static_cast<Connection*>(req->data);
  if (status < 0 && !conn.open) fail("connection " + std::to_string(conn.index) + ": " + uv_strerror(status));
}

void on_connect(uv_connect_t* req, int status) {
  auto& conn = *static_cast<Connection*>(req->data);
  if (status < 0) fail(socket_error(status));
  auto* stream = reinterpret_cast<uv_stream_t*>(&conn.tcp);
  uv_buf_t request = uv_buf_init(client.request.data(), static_cast<unsigned>(client.request.size()));
  conn.write.data = &conn;
  int rc = uv_write(&conn.write, stream, &request, 1, on_request_written);
  if (rc == 0) rc = uv_read_start(stream, allocate, on_read);
  if (rc != 0) fail("connection " + std::to_string(conn.index) + ": " + uv_strerror(rc));
}

void connect_one() {
  auto conn = std::make_unique<Connection>();
  conn->index = client.started;
  conn->sampled = conn->index % client.sample_every == 0;
  uv_tcp_init(client.loop, &conn->tcp);
  conn->tcp.data = conn.get();
  conn->connect.data = conn.get();
  llhttp_init(&conn->parser, HTTP_RESPONSE, &client.settings);
  conn->parser.data = conn.get();
  int rc = uv_tcp_connect(&conn->connect, &conn->tcp, reinterpret_cast<const sockaddr*>(&client.address), on_connect);
  if (rc != 0) fail(socket_error(rc));
  client.connections.push_back(std::move(conn));
  ++client.started;
  ++client.waiting;
}

void start_connects() {
  while (client.waiting < kConnectWindow && client.started < client.count) connect_one();
}

void run_command(std::string_view command) {
  if (command == "reset") {
    client.received = 0;
    client.latencies.clear();
  } else if (command == "report") {
    emit({{"type", "report"}, {"received", client.received}, {"open", client.open}, {"latencies", client.latencies}});
  } else if (command == "exit") {
    std::exit(0);
  }
}

void on_stdin(uv_stream_t*, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) std::exit(0);  // the benchmark went away: so do we
  client.input.append(buf->base, static_cast<size_t>(nread));
  size_t start = 0;
  for (size_t end = client.input.find('\n'); end != std::string::npos; end = client.input.find('\n', start)) {
    std::string_view line(client.input.data() + start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    run_command(line);
    start = end + 1;
  }
  client.input.erase(0, start);
}

void read_stdin() {
  // A file or /dev/null cannot be polled (libuv would abort): control needs a pipe or a tty.
  uv_handle_type kind = uv_guess_handle(0);
  uv_stream_t* stream = nullptr;
  if (kind == UV_TTY) {
    uv_tty_init(client.loop, &client.stdin_tty, 0, 1);
    stream = reinterpret_cast<uv_stream_t*>(&client.stdin_tty);
  } else if (kind == UV_NAMED_PIPE) {
    uv_pipe_init(client.loop, &client.stdin_pipe, 0);
    if (uv_pipe_open(&client.stdin_pipe, 0) != 0) fail("cannot open stdin as a pipe");
    stream = reinterpret_cast<uv_stream_t*>(&client.stdin_pipe);
  } else {
    fail("stdin must be a pipe or a terminal (the control commands arrive there)");
  }
  if (uv_read_start(stream, allocate, on_stdin) != 0) fail("cannot read stdin");
}

bool parse_count(const char* text, size_t& out) {
  std::string_view view(text);
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), out);
  return ec == std::errc{} && end == view.data() + view.size() && out > 0;
}

// Accepts http://host:port[/]; the benchmark always passes the server's own listen URL.
bool resolve_target(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return false;
  url.remove_prefix(scheme.size());
  client.authority = std::string(url.substr(0, url.find('/')));
  size_t colon = client.authority.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = client.authority.substr(0, colon);
  std::string port = client.authority.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  uv_getaddrinfo_t lookup{};
  if (uv_getaddrinfo(client.loop, &lookup, nullptr, host.c_str(), port.c_str(), &hints) != 0) return false;
  std::memcpy(&client.address, lookup.addrinfo->ai_addr, lookup.addrinfo->ai_addrlen);
  uv_freeaddrinfo(lookup.addrinfo);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: bench_sse_client <url e.g. http://127.0.0.1:7700> <count> <sampleEvery> <path>\n");
    return 2;
  }
  client.loop = uv_default_loop();
  if (!resolve_target(argv[1])) fail(std::string("cannot resolve ") + argv[1] + " (expected http://host:port)");
  if (!parse_count(argv[2], client.count) || !parse_count(argv[3], client.sample_every)) {
    fail("count and sampleEvery must be positive integers");
  }
  client.request = std::string("GET ") + argv[4] + " HTTP/1.1\r\nHost: " + client.authority +
                   "\r\nAccept: text/event-stream\r\n\r\n";
  client.connections.reserve(client.count);
  llhttp_settings_init(&client.settings);
  client.settings.on_headers_complete = on_headers_complete;
  client.settings.on_body = on_body;
  read_stdin();
  start_connects();
  // Polls every 0.5 ms rather than sleeping in epoll_wait. On loopback a server's write()
  // runs the receiver's TCP input, and waking a receiver asleep in epoll_wait (an IPI, a VM
  // exit on this kind of machine) is charged to that write: 12 % of the server's time when
  // this client blocked. 10,000 real clients sleep on their own machines. The pause adds at
  // most 0.5 ms to the latency measured here.
  const timespec pause{0, 500'000};
  while (uv_run(client.loop, UV_RUN_NOWAIT) != 0) nanosleep(&pause, nullptr);
  return 0;
}
