// A server on two loop threads (ServerOptions::threads): connections land on both, and what
// one loop serves reaches the streams and long-polls of the other. Which loop holds which
// connection is read from /metrics (jobwire_loop_connections), asked on one kept-alive
// connection so the asking does not move the counts. These run under ASan+UBSan and TSan too.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "jobwire/server.h"
#include "temp_store.h"

using jobwire::Server;
using jobwire::ServerOptions;
using jobwire_test::HttpClient;
using jobwire_test::body_of;
using jobwire_test::status_of;

namespace {

const std::string kAuth = "Authorization: Bearer secret\r\n";

std::unique_ptr<Server> start_two_loops(std::shared_ptr<jobwire::Core> core, ServerOptions options = {}) {
  options.port = 0;
  options.token = "secret";
  options.threads = 2;
  auto server = Server::start(std::move(core), std::move(options));
  INFO(server.status().message());
  REQUIRE(server.ok());
  return std::move(server).value();
}

// The value of series `series` (name and labels) in a /metrics text, or -1.
long long gauge(const std::string& metrics, const std::string& series) {
  size_t at = metrics.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::atoll(metrics.c_str() + at + series.size() + 2);
}

// Open connections on loop 0 and loop 1, asked on `client`, once they are `expected` (a
// connection just made may not be open on its loop yet) or after a second.
std::vector<long long> by_loop(HttpClient& client, const std::vector<long long>& expected) {
  std::vector<long long> open;
  for (int attempt = 0; attempt < 40; ++attempt) {
    std::string metrics = body_of(client.request("GET", "/metrics", {}, kAuth));
    open = {gauge(metrics, "jobwire_loop_connections{loop=\"0\"}"), gauge(metrics, "jobwire_loop_connections{loop=\"1\"}")};
    if (open == expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return open;
}

}  // namespace

TEST_CASE("http loops: connections go to the loop with the fewest, and /metrics sums every loop") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto server = start_two_loops(core);
  HttpClient asker(server->port());
  CHECK(by_loop(asker, {1, 0}) == std::vector<long long>{1, 0});
  HttpClient stream(server->port());
  stream.send("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  REQUIRE(stream.read_until("event: hello").find("event: hello") != std::string::npos);
  CHECK(by_loop(asker, {1, 1}) == std::vector<long long>{1, 1});
  // Asked on loop 0, the stream counted on loop 1 is in the sum.
  std::string metrics = body_of(asker.request("GET", "/metrics", {}, kAuth));
  CHECK(gauge(metrics, "jobwire_connections{transport=\"sse\"}") == 1);
  CHECK(gauge(metrics, "jobwire_connections{transport=\"http\"}") == 1);
  CHECK(gauge(metrics, "jobwire_connections_total{result=\"accepted\"}") == 2);
  server->stop();
  CHECK(stream.closed_by_peer());
  core->close();
}

TEST_CASE("http loops: a write served on one loop reaches an SSE stream and wakes a long-poll on the other") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto server = start_two_loops(core);
  int64_t head = core->log_info().head_seq;
  HttpClient writer(server->port());
  CHECK(by_loop(writer, {1, 0}) == std::vector<long long>{1, 0});
  HttpClient stream(server->port());
  stream.send("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  REQUIRE(stream.read_until("event: hello").find("event: hello") != std::string::npos);
  REQUIRE(by_loop(writer, {1, 1}) == std::vector<long long>{1, 1});  // the stream is on loop 1
  HttpClient idle(server->port());  // takes loop 0's turn
  REQUIRE(by_loop(writer, {2, 1}) == std::vector<long long>{2, 1});
  HttpClient poll(server->port());
  poll.send("GET /api/events?after=" + std::to_string(head) + "&wait=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  REQUIRE(by_loop(writer, {2, 2}) == std::vector<long long>{2, 2});  // the long-poll is parked on loop 1

  auto created = writer.request("POST", "/api/jobs", R"({"type":"build"})", kAuth);
  REQUIRE(status_of(created) == 201);
  std::string id = nlohmann::json::parse(body_of(created))["id"];
  CHECK(stream.read_until(id).find("event: job.created") != std::string::npos);
  auto answer = poll.response();
  REQUIRE(status_of(answer) == 200);
  auto events = nlohmann::json::parse(body_of(answer))["events"];
  REQUIRE_FALSE(events.empty());
  CHECK(events[0]["job"] == id);
  server->stop();
  core->close();
}

TEST_CASE("http loops: the connection cap counts every loop's connections") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  ServerOptions options;
  options.max_connections = 2;
  auto server = start_two_loops(core, options);
  HttpClient first(server->port());
  CHECK(status_of(first.request("GET", "/healthz")) == 200);
  HttpClient second(server->port());
  CHECK(status_of(second.request("GET", "/healthz")) == 200);
  HttpClient third(server->port());
  CHECK(status_of(third.response()) == 503);
  server->stop();
  core->close();
}

TEST_CASE("http loops: threads outside 1..256, a fan-out tick outside 10..1000 ms and any other setting out of range are refused") {
  jobwire_test::TempDir dir;
  auto core = jobwire_test::open_core(dir.file("jobs.db"));
  auto refusal = [&](ServerOptions options) {
    options.port = 0;
    options.token = "secret";
    auto refused = Server::start(core, options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == jobwire::Code::invalid_argument);
    return refused.status().message();
  };
  for (size_t threads : {size_t{0}, size_t{257}}) {
    ServerOptions options;
    options.threads = threads;
    CHECK(refusal(options) == "threads must be 1..256");
  }
  for (int tick_ms : {9, 1'001}) {
    ServerOptions options;
    options.fanout_tick_ms = tick_ms;
    CHECK(refusal(options) == "fanout_tick_ms must be 10..1000");
  }
  // Every other number is checked as well, against the ranges jobwired's flags take.
  ServerOptions no_heartbeat;
  no_heartbeat.heartbeat_ms = 0;
  CHECK(refusal(no_heartbeat) == "heartbeat_ms must be 100..3600000");
  ServerOptions no_body;
  no_body.max_body_bytes = 0;
  CHECK(refusal(no_body) == "max_body_bytes must be 1..1073741824");
  ServerOptions huge_buffer;
  huge_buffer.max_write_buffer_bytes = SIZE_MAX;  // past INT64_MAX: not mistaken for a small number
  CHECK(refusal(huge_buffer) == "max_write_buffer_bytes must be 1024..4294967296");
  ServerOptions fast_polling;
  fast_polling.polling.log_interval_ms = 1'000;
  CHECK(refusal(fast_polling) == "polling.log_interval_ms must be 2000..60000");
  core->close();
}
