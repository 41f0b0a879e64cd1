// HandBack: items used on one thread are destroyed on the thread that releases them, and
// the arrays that carried them are reused.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "sync/hand_back.h"

using namespace jobwire;

namespace {

// Records the thread that destroyed it.
struct Tracked {
  explicit Tracked(std::vector<std::thread::id>* log) : destroyed_on(log) {}
  Tracked(Tracked&& other) noexcept : destroyed_on(std::exchange(other.destroyed_on, nullptr)) {}
  Tracked& operator=(Tracked&&) = delete;
  ~Tracked() {
    if (destroyed_on) destroyed_on->push_back(std::this_thread::get_id());
  }
  std::vector<std::thread::id>* destroyed_on;
};

}  // namespace

TEST_CASE("hand back: what another thread gives back is destroyed by the releasing thread, not before") {
  std::vector<std::thread::id> destroyed;
  HandBack<Tracked> hand_back;
  std::thread consumer([&] {
    for (int turn = 0; turn < 3; ++turn) {
      std::vector<Tracked> batch;
      for (int i = 0; i < 4; ++i) batch.emplace_back(&destroyed);
      hand_back.give(batch);
      CHECK(batch.empty());
    }
  });
  consumer.join();
  CHECK(destroyed.empty());  // given, not yet destroyed

  hand_back.release();
  REQUIRE(destroyed.size() == 12);
  for (std::thread::id id : destroyed) CHECK(id == std::this_thread::get_id());

  hand_back.release();  // nothing more was given
  CHECK(destroyed.size() == 12);
}

TEST_CASE("hand back: the largest emptied array comes back as the spare, once") {
  HandBack<std::unique_ptr<int>> hand_back;
  CHECK(hand_back.spare().capacity() == 0);  // nothing given yet

  std::vector<std::unique_ptr<int>> small(2), large(300);
  const size_t large_capacity = large.capacity();
  hand_back.give(small);
  hand_back.give(large);
  CHECK(hand_back.spare().capacity() == 0);  // not released yet

  hand_back.release();
  std::vector<std::unique_ptr<int>> spare = hand_back.spare();
  CHECK(spare.empty());
  CHECK(spare.capacity() == large_capacity);
  CHECK(hand_back.spare().capacity() == 0);  // handed out already
}

TEST_CASE("hand back: an empty batch is not kept") {
  HandBack<int> hand_back;
  std::vector<int> empty;
  empty.reserve(64);
  hand_back.give(empty);
  hand_back.release();
  CHECK(hand_back.spare().capacity() == 0);
}

TEST_CASE("hand back: giving and releasing concurrently loses nothing") {
  // Run under TSan in CI: the consumer gives while the producer releases.
  std::atomic<int> live{0};
  struct Counted {
    explicit Counted(std::atomic<int>* counter) : live(counter) { live->fetch_add(1); }
    Counted(Counted&& other) noexcept : live(std::exchange(other.live, nullptr)) {}
    Counted& operator=(Counted&&) = delete;
    ~Counted() {
      if (live) live->fetch_sub(1);
    }
    std::atomic<int>* live;
  };
  {
    HandBack<Counted> hand_back;
    std::thread consumer([&] {
      for (int turn = 0; turn < 2000; ++turn) {
        std::vector<Counted> batch = hand_back.spare();
        for (int i = 0; i < 8; ++i) batch.emplace_back(&live);
        hand_back.give(batch);
      }
    });
    for (int i = 0; i < 2000; ++i) hand_back.release();
    consumer.join();
    hand_back.release();
    CHECK(live.load() == 0);
  }
  CHECK(live.load() == 0);
}
