// Small pure parts of the HTTP path: gzip negotiation, the WebSocket accept value, SSE frames, who may read and write, and the sweep histogram.
#include <catch2/catch.hpp>

#include "http/access.h"
#include "http/gzip.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/output_queue.h"
#include "http/sse_frames.h"
#include "http/ws_accept.h"

using namespace jobwire::http;

TEST_CASE("http gzip: negotiated from Accept-Encoding and round-trips through zlib") {
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("br;q=1.0, gzip;q=0.8"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("deflate"));
  auto packed = gzip(std::string(10000, 'a'));
  REQUIRE(packed);
  CHECK(packed->size() < 200);
  CHECK(static_cast<unsigned char>((*packed)[0]) == 0x1f);
  CHECK(static_cast<unsigned char>((*packed)[1]) == 0x8b);
}

TEST_CASE("http websocket: the accept value of RFC 6455's example") {
  CHECK(websocket_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("http access: writes need the token, and reads need it only off loopback") {
  jobwire::ServerOptions options;
  options.token = "tok";
  Request anonymous;
  Request bearer;
  bearer.headers = {{"authorization", "Bearer tok"}};
  Request cookie;
  cookie.headers = {{"cookie", "a=1; jobwire_token=tok"}};
  Request query;
  query.query = {{"access_token", "tok"}};
  Request wrong;
  wrong.headers = {{"authorization", "Bearer nope"}};

  Access loopback(options);
  CHECK(loopback.check_read(anonymous).ok());
  CHECK(loopback.check_write(anonymous).code() == jobwire::Code::unauthorized);
  CHECK(loopback.check_write(wrong).code() == jobwire::Code::unauthorized);
  CHECK(loopback.check_write(bearer).ok());
  CHECK(loopback.check_write(cookie).ok());
  CHECK(loopback.check_write(query).ok());

  options.host = "0.0.0.0";
  Access exposed(options);
  CHECK(exposed.check_read(anonymous).code() == jobwire::Code::unauthorized);
  CHECK(exposed.check_read(query).ok());
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("::1"));
  CHECK_FALSE(is_loopback_host("192.168.1.2"));
  CHECK_FALSE(is_loopback_host("127.attacker.example"));
}

TEST_CASE("http access: on loopback, a read addressed to another name needs the token (DNS rebinding)") {
  jobwire::ServerOptions options;
  options.token = "tok";
  Access loopback(options);
  auto read_as = [&](std::string host, std::string authorization = "") {
    Request request;
    request.headers = {{"host", std::move(host)}};
    if (!authorization.empty()) request.headers.emplace_back("authorization", std::move(authorization));
    return loopback.check_read(request);
  };
  for (const char* host : {"127.0.0.1:7700", "127.0.0.1", "localhost:7700", "[::1]:7700", "127.1.2.3:80"}) {
    INFO(host);
    CHECK(read_as(host).ok());
  }
  // A page at rebound.example whose name now resolves to 127.0.0.1: its Origin matches its Host.
  jobwire::Status refused = read_as("rebound.example:7700");
  CHECK(refused.code() == jobwire::Code::unauthorized);
  CHECK(refused.message().find("rebound.example:7700") != std::string::npos);
  CHECK(read_as("127.0.0.1.rebound.example:7700").code() == jobwire::Code::unauthorized);
  CHECK(read_as("rebound.example:7700", "Bearer nope").code() == jobwire::Code::unauthorized);
  CHECK(read_as("rebound.example:7700", "Bearer tok").ok());
}

TEST_CASE("http access: streams from a foreign Origin are refused, own and allowed origins pass") {
  jobwire::ServerOptions options;
  options.allow_origins = {"http://app.example"};
  Access access(options);
  Request own;
  own.headers = {{"origin", "http://127.0.0.1:7700"}, {"host", "127.0.0.1:7700"}};
  Request allowed;
  allowed.headers = {{"origin", "http://app.example"}, {"host", "127.0.0.1:7700"}};
  Request foreign;
  foreign.headers = {{"origin", "http://evil.example"}, {"host", "127.0.0.1:7700"}};
  Request none;
  CHECK(access.check_origin(own).ok());
  CHECK(access.check_origin(allowed).ok());
  CHECK(access.check_origin(none).ok());
  CHECK(access.check_origin(foreign).code() == jobwire::Code::forbidden);
  Response response;
  access.add_cors(allowed, response);
  CHECK(response.headers.front() == std::pair<std::string, std::string>{"Access-Control-Allow-Origin", "http://app.example"});
}

TEST_CASE("http sse frames: each event's frame, the same from the cache and after its slot is reused") {
  auto event = [](int64_t seq, std::string type) {
    jobwire::Event e;
    e.seq = seq;
    e.type = std::move(type);
    e.json = "{\"seq\":" + std::to_string(seq) + "}";
    return e;
  };
  SseFrames frames;
  jobwire::http::SharedBytes first = frames.frame(event(7, "job.log"));
  jobwire::http::SharedBytes again = frames.frame(event(7, "job.log"));
  CHECK(*first == "id: 7\nevent: job.log\ndata: {\"seq\":7}\n\n");
  CHECK(again == first);  // one frame, shared: not a copy per stream
  // Seqs far apart share a slot: the newer one is formatted afresh, never served stale.
  for (int64_t seq : {int64_t{1}, int64_t{1} + 4096, int64_t{1} + 8192, int64_t{1}}) {
    std::string one = *frames.frame(event(seq, "x.tick"));
    CHECK(one == "id: " + std::to_string(seq) + "\nevent: x.tick\ndata: {\"seq\":" + std::to_string(seq) + "}\n\n");
  }
  // A stream still holding a frame whose slot was reused keeps it whole.
  jobwire::http::SharedBytes held = frames.frame(event(9, "job.log"));
  frames.frame(event(9 + 4096, "job.log"));
  CHECK(*held == "id: 9\nevent: job.log\ndata: {\"seq\":9}\n\n");
}

namespace {

std::string gathered(const jobwire::http::OutputQueue& queue, size_t max_bufs = 64) {
  std::vector<uv_buf_t> bufs(max_bufs);
  size_t count = queue.gather(bufs.data(), bufs.size());
  std::string out;
  for (size_t i = 0; i < count; ++i) out.append(bufs[i].base, bufs[i].len);
  return out;
}

}  // namespace

TEST_CASE("http output queue: shared frames are referenced, never copied") {
  jobwire::http::OutputQueue queue;
  auto frame = std::make_shared<const std::string>("id: 1\n\n");
  queue.push(frame);
  queue.push(frame);
  CHECK(frame.use_count() == 3);  // two references, one frame
  CHECK(queue.chunks() == 2);
  CHECK(queue.bytes() == 2 * frame->size());
  std::vector<uv_buf_t> bufs(2);
  REQUIRE(queue.gather(bufs.data(), bufs.size()) == 2);
  CHECK(bufs[0].base == frame->data());  // the socket is handed the shared bytes themselves
  CHECK(bufs[1].base == frame->data());
  queue.clear();
  CHECK(frame.use_count() == 1);
}

TEST_CASE("http output queue: own copies merge, partial writes resume mid-chunk, a write keeps what it holds") {
  jobwire::http::OutputQueue queue;
  queue.push_copy("HTTP/1.1 200 OK\r\n");
  queue.push_copy("\r\n");
  CHECK(queue.chunks() == 1);  // small pieces of our own share one chunk
  auto frame = std::make_shared<const std::string>("data: x\n\n");
  queue.push(frame);
  queue.push_copy(": hb\n\n");
  CHECK(queue.chunks() == 3);
  CHECK(gathered(queue) == "HTTP/1.1 200 OK\r\n\r\ndata: x\n\n: hb\n\n");

  queue.consume(5);  // the socket took "HTTP/"
  CHECK(gathered(queue) == "1.1 200 OK\r\n\r\ndata: x\n\n: hb\n\n");
  CHECK(queue.bytes() == gathered(queue).size());
  CHECK(gathered(queue, 2) == "1.1 200 OK\r\n\r\ndata: x\n\n");

  std::vector<jobwire::http::SharedBytes> in_flight = queue.take_front(2);
  CHECK(in_flight.size() == 2);
  CHECK(in_flight[1] == frame);
  CHECK(queue.chunks() == 1);
  CHECK(gathered(queue) == ": hb\n\n");
  CHECK(queue.bytes() == 6);
}

TEST_CASE("http output queue: dropping the unsent keeps a chunk already begun, so what is left ends whole") {
  jobwire::http::OutputQueue queue;
  for (const char* text : {"id: 1\n\n", "id: 2\n\n", "id: 3\n\n"})
    queue.push(std::make_shared<const std::string>(text));
  queue.consume(3);  // "id:" of the first frame went out
  CHECK(queue.drop_unstarted() == 14);
  CHECK(gathered(queue) == " 1\n\n");
  queue.consume(4);
  CHECK(queue.empty());
  queue.push(std::make_shared<const std::string>("id: 4\n\n"));
  CHECK(queue.drop_unstarted() == 7);
  CHECK(queue.empty());
  CHECK(queue.bytes() == 0);
}


TEST_CASE("http output queue: a stream that never drains keeps order, and lets go of every frame written") {
  jobwire::http::OutputQueue queue;
  std::vector<std::shared_ptr<const std::string>> frames;
  std::string expected_next;
  // Three frames in, two out, many times over: the queue is never empty.
  for (int round = 0, pushed = 0; round < 200; ++round) {
    for (int i = 0; i < 3; ++i) {
      frames.push_back(std::make_shared<const std::string>("id: " + std::to_string(++pushed) + "\n\n"));
      queue.push(frames.back());
    }
    for (int i = 0; i < 2; ++i) {
      std::vector<uv_buf_t> buf(1);
      REQUIRE(queue.gather(buf.data(), 1) == 1);
      queue.consume(buf[0].len);
    }
  }
  // 600 pushed, 400 written: the 401st is next, and only the 200 unwritten are still held.
  CHECK(queue.chunks() == 200);
  CHECK(gathered(queue, 1) == "id: 401\n\n");
  size_t held = 0;
  for (const auto& frame : frames) held += frame.use_count() > 1 ? 1 : 0;
  CHECK(held == 200);
  CHECK(frames[399].use_count() == 1);
  CHECK(frames[400].use_count() == 2);
}
// True when the exposition text holds exactly this line.
static bool has_line(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST_CASE("http metrics: fan-out sweeps are a Prometheus histogram with cumulative buckets") {
  Metrics metrics;
  metrics.count_sweep(10, 3'000'000);        // 3 ms
  metrics.count_sweep(20, 60'000'000);       // 60 ms
  metrics.count_sweep(30, 75'000'000);       // 75 ms: a bound is inclusive
  metrics.count_sweep(40, 2'000'000'000);    // 2 s: beyond the last bound
  std::string text = metrics.render({}, jobwire::StoreStats{});
  CHECK(has_line(text, "# TYPE jobwire_fanout_sweep_seconds histogram"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"0.001\"} 0"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"0.005\"} 1"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"0.05\"} 1"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"0.075\"} 3"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"1\"} 3"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"+Inf\"} 4"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_count 4"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_sum 2.138000"));
  CHECK(has_line(text, "jobwire_fanout_swept_streams_total 100"));
}

TEST_CASE("http metrics: the store's WAL and the time writes waited for its limit") {
  std::string text = Metrics{}.render({}, jobwire::StoreStats{1'234'567, 3, 1.5});
  CHECK(has_line(text, "# TYPE jobwire_wal_bytes gauge"));
  CHECK(has_line(text, "jobwire_wal_bytes 1234567"));
  CHECK(has_line(text, "# TYPE jobwire_wal_limit_waits_total counter"));
  CHECK(has_line(text, "jobwire_wal_limit_waits_total 3"));
  CHECK(has_line(text, "jobwire_wal_limit_wait_seconds_total 1.500000"));
}

TEST_CASE("http metrics: queue drops, gaps by transport and what streams hold") {
  Metrics metrics;
  metrics.gaps[static_cast<size_t>(jobwire::http::Transport::sse)] = 3;
  jobwire::http::StreamGauges streams;
  streams.queue_drops = 5;
  streams.held_bytes = 4096;
  streams.held_frames = 4;
  std::string text = metrics.render({}, jobwire::StoreStats{}, streams);
  CHECK(has_line(text, "jobwire_queue_drops_total 5"));
  CHECK(has_line(text, "jobwire_gaps_total{transport=\"sse\"} 3"));
  CHECK(has_line(text, "jobwire_gaps_total{transport=\"ws\"} 0"));
  CHECK(has_line(text, "jobwire_stream_held_bytes 4096"));
  CHECK(has_line(text, "jobwire_stream_held_frames 4"));
}

TEST_CASE("http metrics: one loop's counters add to another's, and connections show by loop") {
  Metrics first;
  first.count_status(200);
  first.count_sweep(10, 3'000'000);
  first.deliveries[static_cast<size_t>(jobwire::http::Transport::sse)] = 7;
  first.accepted_connections = 2;
  first.events_per_second = 4;
  Metrics second;
  second.count_status(200);
  second.count_status(404);
  second.count_sweep(20, 60'000'000);
  second.deliveries[static_cast<size_t>(jobwire::http::Transport::sse)] = 5;
  second.accepted_connections = 3;
  second.dropped_clients = 1;
  second.events_per_second = 9;
  first.add(second);
  std::string text = first.render({}, jobwire::StoreStats{}, {}, {4, 6});
  CHECK(has_line(text, "jobwire_http_requests_total{status=\"200\"} 2"));
  CHECK(has_line(text, "jobwire_http_requests_total{status=\"404\"} 1"));
  CHECK(has_line(text, "jobwire_deliveries_total{transport=\"sse\"} 12"));
  CHECK(has_line(text, "jobwire_connections_total{result=\"accepted\"} 5"));
  CHECK(has_line(text, "jobwire_dropped_clients_total 1"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"0.005\"} 1"));
  CHECK(has_line(text, "jobwire_fanout_sweep_seconds_bucket{le=\"0.075\"} 2"));
  CHECK(has_line(text, "jobwire_fanout_swept_streams_total 30"));
  CHECK(has_line(text, "jobwire_events_per_second 4.000"));  // sampled, not summed: every loop sees one core
  CHECK(has_line(text, "jobwire_loop_connections{loop=\"0\"} 4"));
  CHECK(has_line(text, "jobwire_loop_connections{loop=\"1\"} 6"));
}
