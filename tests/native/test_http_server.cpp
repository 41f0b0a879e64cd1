// The HTTP server over real loopback sockets, in-process: lifecycle (start and stop many
// times, stop with streams and writes in flight), requests answered while a core thread
// commits, and the limits. These run under ASan+UBSan and TSan too.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <thread>

#include "http_client.h"
#include "server_threads.h"
#include "jobwire/server.h"
#include "temp_store.h"

using jobwire::Server;
using jobwire::ServerOptions;
using jobwire_test::HttpClient;
using jobwire_test::body_of;
using jobwire_test::status_of;

namespace {

std::unique_ptr<Server> start(std::shared_ptr<jobwire::Core> core, ServerOptions options = {}) {
  options.port = 0;
  options.threads = jobwire_test::server_threads();
  if (options.token.empty()) options.token = "secret";
  auto server = Server::start(std::move(core), std::move(options));
  INFO(server.status().message());
  REQUIRE(server.ok());
  return std::move(server).value();
}

const std::string kAuth = "Authorization: Bearer secret\r\n";

}  // namespace

TEST_CASE("http server: starts and stops many times in one process, with streams open") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  for (int round = 0; round < 12; ++round) {
    auto server = start(core);
    REQUIRE(server->port() > 0);
    HttpClient stream(server->port());
    REQUIRE(stream.connected());
    stream.send("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE(stream.read_until("event: hello").find("event: hello") != std::string::npos);

    HttpClient client(server->port());
    auto created = client.request("POST", "/api/jobs", R"({"type":"build"})", kAuth);
    REQUIRE(status_of(created) == 201);
    std::string id = nlohmann::json::parse(body_of(created))["id"];
    REQUIRE(stream.read_until(id).find("event: job.created") != std::string::npos);
    REQUIRE(status_of(client.request("GET", "/api/jobs/" + id)) == 200);
    server->stop();
    CHECK(stream.closed_by_peer());
  }
  core->close();
}

TEST_CASE("http server: a server without a token is refused: writes are never open") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto refused = Server::start(core, ServerOptions{});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == jobwire::Code::invalid_argument);
  core->close();
}

TEST_CASE("http server: a port in use is refused with a status, not a crash") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto first = start(core);
  ServerOptions options;
  options.port = first->port();
  options.token = "secret";
  auto second = Server::start(core, options);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == jobwire::Code::unavailable);
  CHECK(second.status().message().find("address already in use") != std::string::npos);
  first->stop();
  core->close();
}

TEST_CASE("http server: writes from many connections while producers commit on other threads") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto server = start(core);
  std::string job = jobwire_test::create(*core);
  std::atomic<bool> producing{true};
  std::thread producer([&] {
    for (int i = 0; producing && i < 2000; ++i) core->emit("x.background", std::nullopt, "{}");
  });
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      HttpClient client(server->port());
      for (int i = 0; i < 25; ++i) {
        if (status_of(client.request("POST", "/api/jobs/" + job + "/logs", R"({"lines":["a","b"]})", kAuth)) == 201)
          ++created;
        client.request("GET", "/api/events?after=0&limit=5");
      }
    });
  }
  for (auto& t : clients) t.join();
  producing = false;
  producer.join();
  CHECK(created == 100);
  HttpClient client(server->port());
  auto logs = nlohmann::json::parse(body_of(client.request("GET", "/api/jobs/" + job + "/logs?limit=1")));
  CHECK(logs["total_lines"] == 200);
  server->stop();
  core->close();
}

TEST_CASE("http server: stop answers a parked long-poll and closes a WebSocket") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto server = start(core);
  HttpClient poll(server->port());
  poll.send("GET /api/events?after=0&wait=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  HttpClient ws(server->port());
  ws.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  REQUIRE(ws.read_until("hello").find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->stop();
  auto answer = poll.response();
  CHECK(status_of(answer) == 200);
  CHECK(nlohmann::json::parse(body_of(answer))["events"].empty());
  CHECK(ws.closed_by_peer());
  core->close();
}

TEST_CASE("http server: a parked long-poll is released as soon as its client goes away") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto server = start(core);
  auto parked_polls = [&] {
    int parked = jobwire_test::open_connections(server->port(), kAuth).at("longpoll");
    REQUIRE(parked >= 0);  // /metrics has the gauge
    return parked;
  };
  auto eventually = [&](int expected) {
    for (int attempt = 0; attempt < 40 && parked_polls() != expected; ++attempt)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    return parked_polls() == expected;
  };
  for (bool by_reset : {false, true}) {
    INFO((by_reset ? "reset" : "closed"));
    auto poll = std::make_unique<HttpClient>(server->port());
    poll->send("GET /api/events?after=0&wait=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE(eventually(1));
    if (by_reset) poll->reset();
    poll.reset();  // a tab closed sends FIN; a killed client, a reset
    CHECK(eventually(0));  // within a second, not after the 30 s wait
  }
  server->stop();
  core->close();
}

TEST_CASE("http server: limits answer 431, 413 and 400 and keep serving") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  ServerOptions options;
  options.max_header_bytes = 1024;
  options.max_body_bytes = 2048;
  auto server = start(core, options);
  {
    HttpClient client(server->port());
    CHECK(status_of(client.request("GET", "/api/jobs", {}, "X-Big: " + std::string(2000, 'a') + "\r\n")) == 431);
  }
  {
    HttpClient client(server->port());
    CHECK(status_of(client.request("POST", "/api/events", std::string(4096, ' '), kAuth)) == 413);
  }
  {
    HttpClient client(server->port());
    client.send("BAD REQUEST\r\n\r\n");
    CHECK(status_of(client.response()) == 400);
  }
  HttpClient client(server->port());
  CHECK(status_of(client.request("GET", "/healthz")) == 200);
  server->stop();
  core->close();
}

// llhttp stays paused after an upgrade the server does not take, and says so again on the
// next bytes: the request behind it must not be dispatched (and committed) a second time.
TEST_CASE("http server: a write that asks for an upgrade the server does not take is committed once") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto server = start(core);
  const int64_t before = core->log_info().head_seq;
  HttpClient asker(server->port());
  // Pipelined: the GET waits while the write is committed, and is parsed once it is answered.
  asker.send(jobwire_test::request_bytes("POST", "/api/events", R"({"type":"x.upgrade","data":{}})",
                                         kAuth + "Upgrade: something\r\nConnection: Upgrade\r\n") +
             jobwire_test::request_bytes("GET", "/healthz"));
  REQUIRE(status_of(asker.response()) == 201);
  // The answer to the write and whatever its connection did next came before this is read.
  HttpClient fence(server->port());
  auto fenced = fence.request("POST", "/api/events", R"({"type":"x.fence","data":{}})", kAuth);
  REQUIRE(status_of(fenced) == 201);
  CHECK(nlohmann::json::parse(body_of(fenced))["seq"] == before + 2);
  server->stop();
  core->close();
}
