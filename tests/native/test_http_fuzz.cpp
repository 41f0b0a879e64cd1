// Fuzzing the HTTP server over real loopback sockets: valid requests of every route (and
// WebSocket conversations framed by wslay) are damaged by a seeded mutator and sent on
// fresh connections, each followed by a half-close. For every case the server must
//   - answer only well-formed HTTP (read back with llhttp) with an expected status, never
//     a 5xx, and close the connection once the client has half-closed; after a 101, only
//     well-formed WebSocket frames (read back with wslay) carrying JSON objects;
//   - change nothing when it refused everything it answered: a write committed just
//     before and just after the case (through the core's FIFO writer) are adjacent seqs;
// and across the run an SSE client connected throughout receives every event in order,
// missing only progress that a later progress of the same job superseded (coalescing).
// Under ASan+UBSan and TSan this is also a memory and race check of the parser, router,
// limits and WebSocket paths on hostile input.
// JOBWIRE_FUZZ_SEED and JOBWIRE_FUZZ_CASES reproduce or lengthen a run.
#include <catch2/catch.hpp>

#include <llhttp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "http_client.h"
#include "server_threads.h"
#include "jobwire/server.h"
#include "request_mutator.h"
#include "temp_store.h"
#include "websocket_peer.h"

using jobwire_test::HttpClient;

namespace {

const std::string kToken = "fuzz-token";

uint32_t env_number(const char* name, uint32_t fallback) {
  const char* value = std::getenv(name);
  return value ? static_cast<uint32_t>(std::strtoul(value, nullptr, 10)) : fallback;
}

using jobwire_test::request_bytes;

std::string write(const std::string& method, const std::string& target, const std::string& body) {
  return request_bytes(method, target, body, "Authorization: Bearer " + kToken + "\r\n");
}

std::vector<std::string> corpus(const std::string& job, const std::string& done_job) {
  const std::string jobs = "/api/jobs/" + job;
  const std::string upgrade = request_bytes("GET", "/ws?job=" + job, {},
                                      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://127.0.0.1\r\n");
  return {
      request_bytes("GET", jobs),
      request_bytes("GET", jobs, {}, "If-None-Match: \"3\"\r\nAccept-Encoding: gzip\r\n"),
      request_bytes("GET", "/api/jobs?status=running&type=build&parent=" + job + "&limit=5&offset=0", {}, "Accept-Encoding: gzip, deflate\r\n"),
      request_bytes("GET", jobs + "/logs?offset=0&limit=10"),
      request_bytes("GET", jobs + "/files"),
      request_bytes("GET", "/api/jobs?ids=" + job + "," + done_job + ",j_none&fields=status,progress_percent,updated_seq,log_lines",
                    {}, "If-None-Match: \"3\"\r\n"),
      request_bytes("GET", "/api/files?project=default&since_seq=1"),
      request_bytes("GET", "/api/events?after=1&limit=5&job=" + job),
      request_bytes("GET", "/api/events?after=1&wait=2&types=job.status,job.log"),
      request_bytes("GET", "/api/status?since=0"),
      request_bytes("GET", "/api/events/stream?job=" + job, {}, "Last-Event-ID: 1\r\nOrigin: http://127.0.0.1\r\n"),
      upgrade + jobwire_test::websocket_client_bytes({{WSLAY_TEXT_FRAME, R"({"type":"resume","after":1})"},
                                        {WSLAY_TEXT_FRAME, R"({"type":"ping"})"}}),
      upgrade + jobwire_test::websocket_client_bytes({{WSLAY_PING, "are you there"},
                                        {WSLAY_BINARY_FRAME, std::string("\x00\x01\xff", 3)},
                                        {WSLAY_TEXT_FRAME, R"({"type":"resume","after":"1"})"},
                                        {WSLAY_CONNECTION_CLOSE, "bye"}}),
      upgrade + jobwire_test::websocket_client_bytes({{WSLAY_TEXT_FRAME, std::string(70'000, ' ')}}),
      request_bytes("GET", "/healthz") + request_bytes("GET", "/api/config/polling"),
      request_bytes("GET", "/metrics", {}, "Authorization: Bearer " + kToken + "\r\n"),
      request_bytes("GET", "/"),
      request_bytes("OPTIONS", "/api/jobs", {}, "Origin: http://127.0.0.1\r\nAccess-Control-Request-Method: POST\r\n"),
      write("POST", "/api/jobs", R"({"type":"build","parent":")" + job + R"(","priority":2,"summary":{"k":"v"}})"),
      write("POST", jobs + "/status", R"({"status":"running"})"),
      write("POST", jobs + "/progress", R"({"progress":42.5})"),
      write("POST", jobs + "/logs", R"({"lines":["compiling a.c","linking \u00e9"]})"),
      write("POST", jobs + "/files", R"({"path":"out/a.txt","change":"created"})"),
      write("PATCH", jobs, R"({"summary":{"ok":3},"output_path":"out/"})"),
      write("POST", "/api/events", R"({"type":"x.note","job":")" + job + R"(","data":{"n":1}})"),
      write("POST", "/api/jobs/" + done_job + "/status", R"({"status":"running"})"),
      write("POST", jobs + "/progress", R"({"progress":142})"),
      write("POST", "/api/jobs", R"({"type":"build","parent":"j_missing"})"),
      request_bytes("POST", "/api/events", R"({"type":"x.note","data":{}})", "Authorization: Bearer wrong\r\n"),
      "POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken +
          "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          "b\r\n{\"type\":\"x.\r\n10\r\nchunk\",\"data\":[1]}\r\n0\r\n\r\n",
      request_bytes("GET", jobs) + write("POST", jobs + "/progress", R"({"progress":7})"),
  };
}

// What came back on one connection: the status of every response llhttp read, and
// whether the bytes were well-formed HTTP up to a clean close.
struct Exchange {
  std::vector<int> statuses;
  std::string after_upgrade;  // what followed a 101: WebSocket frames
  bool closed = false;       // the server closed (FIN or RST) within the deadline
  bool clean_close = false;  // by FIN: everything it sent arrived
  std::string parse_error;
};

void send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server closed early (a limit): what it answered still counts
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void read_responses(const std::string& received, Exchange& out) {
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  settings.on_headers_complete = [](llhttp_t* parser) {
    static_cast<Exchange*>(parser->data)->statuses.push_back(llhttp_get_status_code(parser));
    return 0;
  };
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  parser.data = &out;
  llhttp_errno_t result = llhttp_execute(&parser, received.data(), received.size());
  if (result == HPE_PAUSED_UPGRADE) out.after_upgrade = received.substr(static_cast<size_t>(llhttp_get_error_pos(&parser) - received.data()));
  if (result == HPE_OK) result = llhttp_finish(&parser);
  if (result != HPE_OK && result != HPE_PAUSED_UPGRADE)
    out.parse_error = std::string(llhttp_errno_name(result)) + ": " + llhttp_get_error_reason(&parser);
}

// Sends `bytes` on a fresh connection in one to three pieces, half-closes, and reads until
// the server closes (at most 5 s).
Exchange exchange(int port, const std::string& bytes, jobwire_test::RequestMutator& mutator) {
  Exchange out;
  int fd = jobwire_test::connect_loopback(port);
  REQUIRE(fd >= 0);
  size_t sent = 0;
  for (size_t pieces = 1 + mutator.below(3); pieces > 0; --pieces) {
    size_t size = pieces == 1 ? bytes.size() - sent : mutator.below(bytes.size() - sent + 1);
    send_all(fd, bytes.data() + sent, size);
    sent += size;
    if (pieces > 1) std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
  ::shutdown(fd, SHUT_WR);
  std::string received;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!out.closed) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd readable{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) break;
    char chunk[16384];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      received.append(chunk, static_cast<size_t>(n));
    } else {
      out.closed = true;
      out.clean_close = n == 0;
    }
  }
  ::close(fd);
  read_responses(received, out);
  return out;
}

// A write through the core's one FIFO writer: it commits after every write the server
// dispatched before it, so two barriers bracket everything a case committed.
int64_t barrier(jobwire::Core& core) {
  auto committed = core.emit("x.fuzz_barrier", std::nullopt, "{}");
  REQUIRE(committed.ok());
  return committed.value().event->seq;
}

bool refused(int status) { return status >= 400; }

std::string printable(const std::string& bytes) {
  std::ostringstream out;
  for (size_t i = 0; i < bytes.size() && i < 600; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r') out << "\\r";
    else if (c == '\n') out << "\\n";
    else if (c < 0x20 || c >= 0x7f) out << "\\x" << std::hex << static_cast<int>(c) << std::dec;
    else out << c;
  }
  if (bytes.size() > 600) out << "… (" << bytes.size() << " bytes)";
  return out.str();
}

struct StreamedEvent {
  int64_t seq;
  std::string type;
  std::string job;
};

// The event frames an SSE stream carried, in order.
std::vector<StreamedEvent> sse_events(const std::string& stream) {
  std::vector<StreamedEvent> events;
  for (size_t at = stream.find("\nid: "); at != std::string::npos; at = stream.find("\nid: ", at + 1)) {
    size_t data = stream.find("\ndata: ", at);
    REQUIRE(data != std::string::npos);
    auto envelope = nlohmann::json::parse(stream.substr(data + 7, stream.find('\n', data + 7) - data - 7));
    events.push_back({envelope["seq"].get<int64_t>(), envelope["type"].get<std::string>(),
                      envelope["job"].is_string() ? envelope["job"].get<std::string>() : std::string()});
  }
  return events;
}

std::string describe(const std::map<std::string, int>& gauges) {
  std::string out;
  for (const auto& [transport, open] : gauges) out += transport + "=" + std::to_string(open) + " ";
  return out;
}

// A server over a fresh store with two jobs (one finished), and an SSE client that stays
// connected through the whole run.
struct FuzzedServer {
  FuzzedServer() {
    core = jobwire_test::open_core(dir.file("fuzz.db"));
    job = jobwire_test::create(*core);
    done_job = jobwire_test::create(*core);
    REQUIRE(core->set_status(done_job, jobwire::JobStatus::running).ok());
    REQUIRE(core->set_status(done_job, jobwire::JobStatus::completed).ok());
    jobwire::ServerOptions options;
    options.port = 0;
    options.token = kToken;
    options.allow_origins = {"http://127.0.0.1"};
    options.threads = jobwire_test::server_threads();
    auto started = jobwire::Server::start(core, options);
    REQUIRE(started.ok());
    server = std::move(started).value();
    first_seq = core->log_info().head_seq + 1;
    watcher = std::make_unique<HttpClient>(server->port());
    watcher->send("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE(watcher->read_until("event: hello").find("event: hello") != std::string::npos);
  }
  ~FuzzedServer() {
    server->stop();
    core->close();
  }

  // The watcher saw every event up to `last`, in order. The only seqs it may miss are
  // progress events superseded by a later progress of the same job (coalesced: latest wins).
  void check_stream_through(int64_t last) {
    const std::string marker = "\nid: " + std::to_string(last) + "\n";
    size_t at = watcher->read_until(marker).find(marker);
    REQUIRE(at != std::string::npos);
    std::vector<StreamedEvent> seen = sse_events(watcher->read_until("\n\n", at));  // that frame, whole
    REQUIRE(!seen.empty());
    CHECK(seen.back().seq == last);
    int64_t expected = first_seq;
    for (size_t k = 0; k < seen.size(); ++k) {
      for (; expected < seen[k].seq; ++expected) {
        auto missed = core->events_after(expected - 1, 1);
        REQUIRE(missed.ok());
        const jobwire::Event& event = *missed.value().events.at(0);
        INFO("seq " << expected << " (" << event.type << ") never reached the stream");
        REQUIRE(event.type == "job.progress");
        bool superseded = std::any_of(seen.begin() + static_cast<std::ptrdiff_t>(k), seen.end(), [&](const StreamedEvent& later) {
          return later.type == "job.progress" && later.job == event.job;
        });
        REQUIRE(superseded);
      }
      REQUIRE(seen[k].seq == expected);
      ++expected;
    }
  }

  // No connection but the watcher's stream and the /metrics request asking.
  const std::map<std::string, int> idle = {{"http", 1}, {"longpoll", 0}, {"sse", 1}, {"ws", 0}};

  // Waits (at most 5 s) until the server is idle; returns the last gauges read.
  std::map<std::string, int> settle() {
    std::map<std::string, int> gauges;
    for (int attempt = 0; attempt < 100; ++attempt) {
      gauges = jobwire_test::open_connections(server->port(), "Authorization: Bearer " + kToken + "\r\n");
      if (gauges == idle) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return gauges;
  }

  jobwire_test::TempDir dir;
  std::shared_ptr<jobwire::Core> core;
  std::string job, done_job;
  std::unique_ptr<jobwire::Server> server;
  std::unique_ptr<HttpClient> watcher;
  int64_t first_seq = 0;
};

// Connects, sends part or all of `bytes`, maybe reads a little, then goes away: by a reset
// (SO_LINGER 0: a client killed or cut off) or a plain close (a tab closed).
void vanish(int port, const std::string& bytes, jobwire_test::RequestMutator& mutator) {
  int fd = jobwire_test::connect_loopback(port);
  REQUIRE(fd >= 0);
  send_all(fd, bytes.data(), mutator.chance(0.5) ? bytes.size() : mutator.below(bytes.size() + 1));
  if (mutator.chance(0.5)) std::this_thread::sleep_for(std::chrono::microseconds(mutator.below(3000)));
  if (mutator.chance(0.3)) {
    char chunk[512];
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, 20) > 0) (void)::recv(fd, chunk, sizeof chunk, 0);
  }
  if (mutator.chance(0.5)) {
    linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  }
  ::close(fd);
}

}  // namespace

TEST_CASE("http server: mutated requests get well-formed 4xx answers, change nothing, and never disturb a live stream") {
  const uint32_t seed = env_number("JOBWIRE_FUZZ_SEED", 20261122);
  const uint32_t cases = env_number("JOBWIRE_FUZZ_CASES", 600);
  FuzzedServer fuzzed;
  const std::vector<std::string> seeds = corpus(fuzzed.job, fuzzed.done_job);
  const std::set<int> expected = {101, 200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 410, 413, 429, 431};
  jobwire_test::RequestMutator mutator(seed);
  size_t answered = 0;
  size_t refusals = 0;
  size_t upgraded = 0;
  int64_t before = barrier(*fuzzed.core);
  for (uint32_t i = 0; i < cases; ++i) {
    std::string bytes = seeds[mutator.below(seeds.size())];
    if (!mutator.chance(0.1)) mutator.mutate(bytes, seeds);
    Exchange result = exchange(fuzzed.server->port(), bytes, mutator);
    int64_t after = barrier(*fuzzed.core);

    INFO("seed " << seed << ", case " << i << ": " << printable(bytes));
    REQUIRE(result.closed);  // a half-closed client is let go, whatever it sent
    if (result.clean_close) REQUIRE(result.parse_error.empty());
    for (int status : result.statuses) {
      INFO("status " << status);
      REQUIRE(expected.count(status) == 1);
    }
    if (!result.after_upgrade.empty()) {
      jobwire_test::ServerFrames frames = jobwire_test::read_server_frames(result.after_upgrade);
      REQUIRE(!frames.malformed);
      for (const std::string& text : frames.texts) {
        INFO("server message: " << text);
        REQUIRE(nlohmann::json::parse(text, nullptr, false).is_object());
      }
      upgraded += frames.texts.empty() ? 0 : 1;
    }
    bool all_refused = !result.statuses.empty() &&
                       std::all_of(result.statuses.begin(), result.statuses.end(), refused);
    if (all_refused) REQUIRE(after == before + 1);  // nothing committed between the barriers
    answered += result.statuses.empty() ? 0 : 1;
    refusals += all_refused ? 1 : 0;
    before = after;
  }
  // The mutator reached past the parser: most cases were answered, many refused.
  CHECK(answered > cases / 2);
  CHECK(refusals > cases / 4);
  CHECK(upgraded > 0);
  fuzzed.check_stream_through(before);
  auto gauges = fuzzed.settle();
  INFO("open connections: " << describe(gauges));
  CHECK(gauges == fuzzed.idle);
}

TEST_CASE("http server: clients that vanish mid-request, mid-write or mid-stream are released, and nothing else is disturbed") {
  const uint32_t seed = env_number("JOBWIRE_FUZZ_SEED", 20261122);
  const uint32_t cases = env_number("JOBWIRE_FUZZ_CASES", 600) / 2;
  FuzzedServer fuzzed;
  std::vector<std::string> seeds = corpus(fuzzed.job, fuzzed.done_job);
  jobwire_test::RequestMutator mutator(seed);
  for (uint32_t i = 0; i < cases; ++i) {
    // A long-poll parked at the head, released only by the client going away.
    std::string parked = request_bytes("GET", "/api/events?after=" + std::to_string(fuzzed.core->log_info().head_seq) + "&wait=30");
    std::string bytes = mutator.chance(0.15) ? parked : seeds[mutator.below(seeds.size())];
    if (mutator.chance(0.3)) mutator.mutate(bytes, seeds);
    vanish(fuzzed.server->port(), bytes, mutator);
  }
  auto gauges = fuzzed.settle();
  INFO("open connections 5 s after the last client vanished: " << describe(gauges));
  CHECK(gauges == fuzzed.idle);
  fuzzed.check_stream_through(barrier(*fuzzed.core));
  HttpClient client(fuzzed.server->port());
  CHECK(jobwire_test::status_of(client.request("GET", "/api/jobs/" + fuzzed.job)) == 200);
}
