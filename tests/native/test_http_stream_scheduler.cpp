// The stream scheduler on a real libuv loop: few ready streams are served at once; many
// are swept in slices with the loop free between them, a slice ending when its budget of
// bytes or time is spent; a sweep starts at most once a tick.
#include <catch2/catch.hpp>
#include <uv.h>

#include <numeric>
#include <vector>

#include "http/stream_scheduler.h"

using jobwire::http::StreamScheduler;

namespace {

std::vector<uint64_t> ids_from(uint64_t first, size_t count) {
  std::vector<uint64_t> ids(count);
  std::iota(ids.begin(), ids.end(), first);
  return ids;
}

struct LoopFixture {
  uv_loop_t loop{};
  StreamScheduler scheduler;
  jobwire::http::Metrics metrics;
  std::vector<uint64_t> served;
  std::vector<uint64_t> served_at_ms;
  size_t bytes_per_stream = 0;  // what serving one stream queues
  uint64_t ns_per_stream = 0;   // how long serving one stream takes

  explicit LoopFixture(uint64_t tick_ms = 50) {
    uv_loop_init(&loop);
    scheduler.open(&loop, tick_ms, [this](uint64_t id) {
      served.push_back(id);
      served_at_ms.push_back(uv_now(&loop));
      const uint64_t until = uv_hrtime() + ns_per_stream;
      while (uv_hrtime() < until) {
      }
      return bytes_per_stream;
    }, metrics);
  }

  // How many streams were served between one loop poll and the next, while the sweep ran.
  std::vector<size_t> served_between_polls(size_t total) {
    const size_t served_before = served.size();
    struct Observer {
      const std::vector<uint64_t>* served;
      std::vector<size_t> served_at_polls;
    } observer{&served, {}};
    uv_check_t after_poll{};
    uv_check_init(&loop, &after_poll);
    after_poll.data = &observer;
    // A check handle runs right after each I/O poll: what it sees is how far the sweep had
    // got each time the loop was free to read a request.
    uv_check_start(&after_poll, [](uv_check_t* check) {
      auto* seen = static_cast<Observer*>(check->data);
      seen->served_at_polls.push_back(seen->served->size());
    });
    for (int turn = 0; turn < 100'000 && served.size() < total; ++turn) uv_run(&loop, UV_RUN_NOWAIT);
    uv_close(reinterpret_cast<uv_handle_t*>(&after_poll), nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
    std::vector<size_t> between;
    size_t previous = served_before;
    for (size_t at_poll : observer.served_at_polls) {
      between.push_back(at_poll - previous);
      previous = at_poll;
    }
    return between;
  }
  ~LoopFixture() {
    scheduler.close();
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
};

}  // namespace

TEST_CASE("stream scheduler: a few ready streams are served at once") {
  LoopFixture f;
  f.scheduler.on_ready(ids_from(1, StreamScheduler::kServeAtOnce));
  CHECK(f.served == ids_from(1, StreamScheduler::kServeAtOnce));
  CHECK(f.metrics.fan_out_sweeps == 0);
}

TEST_CASE("stream scheduler: thousands are swept in slices of a byte budget, and the loop runs other work between slices") {
  LoopFixture f;
  const size_t per_slice = 128;
  f.bytes_per_stream = StreamScheduler::kSliceBytes / per_slice;
  const size_t count = 10 * per_slice;
  f.scheduler.on_ready(ids_from(1, count));
  CHECK(f.served.size() <= per_slice);  // at most the first slice before the loop turns
  std::vector<size_t> between = f.served_between_polls(count);
  CHECK(f.served == ids_from(1, count));  // each once, in the order they turned ready
  REQUIRE(between.size() >= 9);
  for (size_t n : between) CHECK(n <= per_slice);  // never more than a slice between polls
}

TEST_CASE("stream scheduler: a slice ends when its time budget is spent, however few bytes it queued") {
  LoopFixture f;
  f.ns_per_stream = 1'000'000;  // 1 ms a stream: the 2 ms budget holds two or three
  const size_t count = 40;
  f.scheduler.on_ready(ids_from(1, StreamScheduler::kServeAtOnce + count));  // more than at once: a sweep
  std::vector<size_t> between = f.served_between_polls(StreamScheduler::kServeAtOnce + count);
  CHECK(f.served.size() == StreamScheduler::kServeAtOnce + count);
  const size_t most = StreamScheduler::kSliceNs / f.ns_per_stream + 1;
  for (size_t n : between) CHECK(n <= most);
}

TEST_CASE("stream scheduler: streams served at once stop at the budget, and the rest are swept") {
  LoopFixture f;
  f.bytes_per_stream = StreamScheduler::kSliceBytes / 8;
  f.scheduler.on_ready(ids_from(1, 100));
  CHECK(f.served.size() == 8);  // the budget, then the loop turns
  std::vector<size_t> between = f.served_between_polls(100);
  CHECK(f.served == ids_from(1, 100));
  for (size_t n : between) CHECK(n <= 8);
}

TEST_CASE("stream scheduler: streams ready again during a sweep wait for the next, a tick after the last began") {
  const uint64_t tick_ms = GENERATE(50, 120);
  LoopFixture f(tick_ms);
  f.bytes_per_stream = StreamScheduler::kSliceBytes / 128;
  const size_t count = 4 * 128;
  uv_update_time(&f.loop);
  uint64_t first_sweep_ms = uv_now(&f.loop);
  f.scheduler.on_ready(ids_from(1, count));
  f.scheduler.on_ready(ids_from(1, count));  // new events for every stream, mid-sweep
  uv_run(&f.loop, UV_RUN_DEFAULT);

  REQUIRE(f.served.size() == 2 * count);
  std::vector<uint64_t> expected = ids_from(1, count);
  expected.insert(expected.end(), expected.begin(), expected.end());
  CHECK(f.served == expected);  // two sweeps, each serving every stream once
  CHECK(f.metrics.fan_out_sweeps == 2);
  CHECK(f.metrics.fan_out_swept_streams == 2 * count);
  CHECK(f.metrics.fan_out_sweep_ns > 0);
  for (size_t i = count; i < f.served_at_ms.size(); ++i) {
    INFO("second sweep, stream " << f.served[i]);
    REQUIRE(f.served_at_ms[i] >= first_sweep_ms + tick_ms);
  }
}
