// The fan-out scheduler on a real libuv loop: few ready streams are served at once; many
// are swept in slices with the loop free between them; a sweep starts at most once a tick.
#include <catch2/catch.hpp>
#include <uv.h>

#include <numeric>
#include <vector>

#include "http/fan_out.h"

using jobwire::http::FanOut;

namespace {

std::vector<uint64_t> ids_from(uint64_t first, size_t count) {
  std::vector<uint64_t> ids(count);
  std::iota(ids.begin(), ids.end(), first);
  return ids;
}

struct LoopFixture {
  uv_loop_t loop{};
  FanOut fan_out;
  jobwire::http::Metrics metrics;
  std::vector<uint64_t> served;
  std::vector<uint64_t> served_at_ms;

  LoopFixture() {
    uv_loop_init(&loop);
    fan_out.open(&loop, [this](uint64_t id) {
      served.push_back(id);
      served_at_ms.push_back(uv_now(&loop));
    }, metrics);
  }
  ~LoopFixture() {
    fan_out.close();
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
};

}  // namespace

TEST_CASE("fan-out: a few ready streams are served at once") {
  LoopFixture f;
  f.fan_out.on_ready(ids_from(1, FanOut::kServeAtOnce));
  CHECK(f.served == ids_from(1, FanOut::kServeAtOnce));
  CHECK(f.metrics.fan_out_sweeps == 0);
}

TEST_CASE("fan-out: thousands are swept in slices, and the loop runs other work between slices") {
  LoopFixture f;
  const size_t count = 10 * FanOut::kSliceSize;
  f.fan_out.on_ready(ids_from(1, count));
  CHECK(f.served.size() <= FanOut::kSliceSize);  // at most the first slice before the loop turns

  // A check handle runs right after each I/O poll: what it sees is how far the sweep had
  // got each time the loop was free to read a request.
  struct Observer {
    const std::vector<uint64_t>* served;
    std::vector<size_t> served_at_polls;
  } observer{&f.served, {}};
  uv_check_t after_poll{};
  uv_check_init(&f.loop, &after_poll);
  after_poll.data = &observer;
  uv_check_start(&after_poll, [](uv_check_t* check) {
    auto* seen = static_cast<Observer*>(check->data);
    seen->served_at_polls.push_back(seen->served->size());
  });
  for (int turn = 0; turn < 1000 && f.served.size() < count; ++turn) uv_run(&f.loop, UV_RUN_NOWAIT);
  uv_close(reinterpret_cast<uv_handle_t*>(&after_poll), nullptr);
  uv_run(&f.loop, UV_RUN_DEFAULT);

  CHECK(f.served == ids_from(1, count));  // each once, in the order they turned ready
  REQUIRE(observer.served_at_polls.size() >= 10);
  size_t previous = 0;
  for (size_t at_poll : observer.served_at_polls) {
    CHECK(at_poll - previous <= FanOut::kSliceSize);  // never more than a slice between polls
    previous = at_poll;
  }
}

TEST_CASE("fan-out: streams ready again during a sweep wait for the next, a tick after the last began") {
  LoopFixture f;
  const size_t count = 4 * FanOut::kSliceSize;
  uv_update_time(&f.loop);
  uint64_t first_sweep_ms = uv_now(&f.loop);
  f.fan_out.on_ready(ids_from(1, count));
  f.fan_out.on_ready(ids_from(1, count));  // new events for every stream, mid-sweep
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
    REQUIRE(f.served_at_ms[i] >= first_sweep_ms + FanOut::kTickMs);
  }
}
