// The hub: live delivery, resume at a seam, bounded queues with gap, coalescing, filters.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <thread>

#include "collector.h"
#include "hub/hub.h"
#include "temp_store.h"
#include "test_stores.h"

using namespace jobwire;
using namespace jobwire_test;
using nlohmann::json;

TEST_CASE("hub: a subscriber receives committed events live, in seq order") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  Collector collector(*core);
  std::string id = running_job(*core);
  REQUIRE(core->append_log(id, {"a"}).ok());
  REQUIRE(collector.wait_for_cursor(3));
  CHECK(contiguous(collector.events(), 1, 3));
  CHECK(collector.gaps() == 0);
}

TEST_CASE("hub: resuming after a cursor gets the missed events then live ones, no gap or duplicate") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = running_job(*core);
  std::atomic<bool> writing{true};
  std::atomic<int> failed_writes{0};  // Catch2 assertions belong on the test's own thread
  std::thread producer([&] {
    for (int i = 0; i < 3000; ++i)
      if (!core->append_log(id, {"line " + std::to_string(i)}).ok()) ++failed_writes;
    writing = false;
  });
  // Subscribe at several seams while the producer runs.
  std::vector<std::unique_ptr<Collector>> collectors;
  std::vector<int64_t> starts;
  while (writing && collectors.size() < 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    int64_t after = core->log_info().head_seq / 2;
    SubscribeOptions options;
    options.after = after;
    starts.push_back(after);
    collectors.push_back(std::make_unique<Collector>(*core, options));
  }
  producer.join();
  CHECK(failed_writes.load() == 0);
  const int64_t head = core->log_info().head_seq;
  for (size_t i = 0; i < collectors.size(); ++i) {
    REQUIRE(collectors[i]->wait_for_cursor(head));
    CHECK(contiguous(collectors[i]->events(), starts[i] + 1, head));
  }
}

TEST_CASE("hub: a subscriber that stops reading gets gap while producers and others go on") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.progress_flush_ms = 0;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  const int64_t start = core->log_info().head_seq;

  std::atomic<int> wakes{0};
  SubscribeOptions stalled_options;
  stalled_options.queue_limit = 100;
  stalled_options.wake = [&] { ++wakes; };
  auto stalled = core->subscribe(stalled_options).value();
  Collector healthy(*core);

  for (int i = 0; i < 2000; ++i) REQUIRE(core->append_log(id, {"x"}).ok());
  const int64_t head = core->log_info().head_seq;
  REQUIRE(healthy.wait_for_cursor(head));
  CHECK(contiguous(healthy.events(), start + 1, head));
  CHECK(healthy.gaps() == 0);

  // The stalled one was told once and kept at most its bound; it now catches up from the log.
  CHECK(wakes.load() >= 1);
  std::vector<EventPtr> received;
  bool saw_gap = false;
  while (stalled->ready()) {
    Delivery d = stalled->take(300);
    saw_gap = saw_gap || d.gap;
    CHECK(d.events.size() <= 300);
    received.insert(received.end(), d.events.begin(), d.events.end());
  }
  CHECK(saw_gap);
  CHECK(contiguous(received, start + 1, head));
  stalled->close();
}

namespace {

EventPtr event_at(int64_t seq, std::string type = "job.log", std::string job = "j", int64_t ts_ms = 0,
                  std::string project = "default") {
  auto event = std::make_shared<Event>();
  event->seq = seq;
  event->type = std::move(type);
  event->job = std::move(job);
  event->ts_ms = ts_ms;
  event->project = std::move(project);
  event->tree_path = "/" + event->job + "/";
  return event;
}

std::vector<EventPtr> log_events(int64_t first, int count) {
  std::vector<EventPtr> events;
  for (int64_t seq = first; seq < first + count; ++seq) events.push_back(event_at(seq));
  return events;
}

std::vector<int64_t> seqs(const std::vector<EventPtr>& events) {
  std::vector<int64_t> out;
  for (const auto& event : events) out.push_back(event->seq);
  return out;
}

}  // namespace

TEST_CASE("hub: a subscriber more than its limit behind overflows once, reads nothing meanwhile, and its next live event bounds the catch-up") {
  Hub hub(100);
  std::atomic<int> wakes{0};
  auto queue = hub.attach(EventFilter{}, 100, 0, [&] { ++wakes; });
  hub.publish(log_events(1, 100));
  CHECK(wakes.load() == 1);
  CHECK(queue->pending());
  CHECK_FALSE(queue->overflowed());
  hub.publish(log_events(101, 50));
  CHECK(wakes.load() == 1);  // once until the consumer takes
  CHECK(queue->overflowed());
  CHECK(hub.queue_drops() == 1);  // its only subscriber overflowed, once
  CHECK(queue->live_from() == 0);  // catch-up reads the log until something live follows
  hub.publish(log_events(151, 500));  // the recent events wrap around several times
  CHECK(hub.queue_drops() == 1);  // still once
  CHECK(hub.held_events() <= 128);

  SubscriptionQueue::Taken taken = queue->take(1000);
  CHECK(taken.overflowed);
  CHECK(taken.events.empty());
  CHECK(taken.last_offered == 650);
  CHECK_FALSE(queue->pending());
  CHECK(queue->live_from() == 0);
  hub.publish(log_events(651, 10));
  CHECK(wakes.load() == 2);
  CHECK(queue->live_from() == 651);
  taken = queue->take(1000);
  CHECK(seqs(taken.events) == std::vector<int64_t>{651, 652, 653, 654, 655, 656, 657, 658, 659, 660});
  CHECK(taken.drained);
  CHECK(hub.queue_drops() == 1);
}

TEST_CASE("hub: recent events are held once for every subscriber, and let go of once all have read them") {
  Hub hub(10'000);
  std::vector<std::shared_ptr<SubscriptionQueue>> queues;
  for (int i = 0; i < 1000; ++i) queues.push_back(hub.attach(EventFilter{}, 10'000, 0, nullptr));
  auto drain = [](SubscriptionQueue& queue) {
    size_t taken = 0;
    for (;;) {
      SubscriptionQueue::Taken t = queue.take(512);
      taken += t.events.size();
      if (t.drained) return taken;
    }
  };
  const std::vector<EventPtr> first = log_events(1, 100);
  hub.publish(first);
  CHECK(first.front().use_count() == 2);  // this test's and the hub's, not one per subscriber
  for (size_t i = 1; i < queues.size(); ++i) CHECK(drain(*queues[i]) == 100);

  // Enough to pass the hub's release point, in batches of 100.
  const size_t more = (Hub::kReleaseEvery / 100 + 1) * 100;
  int64_t seq = 101;
  auto publish_more = [&] {
    for (size_t n = 0; n < more; n += 100, seq += 100) hub.publish(log_events(seq, 100));
  };
  publish_more();
  CHECK(first.front().use_count() == 2);  // the first subscriber has yet to read it
  CHECK(drain(*queues[0]) == 100 + more);
  for (size_t i = 1; i < queues.size(); ++i) drain(*queues[i]);
  publish_more();
  CHECK(first.front().use_count() == 1);
  CHECK(hub.held_events() <= more);
  CHECK(hub.queue_drops() == 0);
}

TEST_CASE("hub: the window grows as far as a lagging subscriber needs, it reads every event in order, and the window shrinks after") {
  Hub hub(10'000);
  auto lagging = hub.attach(EventFilter{}, 10'000, 0, nullptr);
  auto keeping_up = hub.attach(EventFilter{}, 10'000, 0, nullptr);
  for (int64_t seq = 1; seq <= 5000; seq += 100) {
    hub.publish(log_events(seq, 100));
    while (!keeping_up->take(64).drained) {
    }
  }
  CHECK(hub.held_events() == 5000);
  std::vector<int64_t> read;
  for (;;) {
    SubscriptionQueue::Taken taken = lagging->take(512);
    REQUIRE_FALSE(taken.overflowed);
    for (const auto& event : taken.events) read.push_back(event->seq);
    if (taken.drained) break;
  }
  REQUIRE(read.size() == 5000);
  for (size_t i = 0; i < read.size(); ++i) REQUIRE(read[i] == static_cast<int64_t>(i) + 1);
  CHECK(hub.queue_drops() == 0);

  // Once both have read everything, the next release lets go of the burst and the slots it
  // needed: 8,192 for 5,000 events, back to the 1,024 the window starts with.
  CHECK(hub.window_slots() == 8192);
  for (int64_t seq = 5001; seq <= 5000 + static_cast<int64_t>(Hub::kReleaseEvery); seq += 16) {
    hub.publish(log_events(seq, 16));
    for (auto* queue : {lagging.get(), keeping_up.get()})
      while (!queue->take(64).drained) {
      }
  }
  CHECK(hub.held_events() <= Hub::kReleaseEvery);
  CHECK(hub.window_slots() == 1024);
  hub.publish(log_events(5001 + static_cast<int64_t>(Hub::kReleaseEvery), 1));
  CHECK(lagging->take(64).events.size() == 1);

  // A limit of a billion (the addon accepts one) allocates for what is held, not for the limit.
  Hub roomy(1'000'000'000);
  auto queue = roomy.attach(EventFilter{}, 1'000'000'000, 0, nullptr);
  roomy.publish(log_events(1, 10));
  CHECK(queue->take(100).events.size() == 10);
}

TEST_CASE("hub: a filtered subscriber is woken only by events it matches and takes only those") {
  Hub hub(1000);
  std::atomic<int> wakes{0};
  EventFilter filter;
  filter.project = "a";
  auto queue = hub.attach(filter, 1000, 0, [&] { ++wakes; });
  hub.publish({event_at(1, "job.log", "j", 0, "b"), event_at(2, "job.log", "j", 0, "b")});
  CHECK(wakes.load() == 0);
  hub.publish({event_at(3, "job.log", "k", 0, "a"), event_at(4, "job.log", "j", 0, "b")});
  CHECK(wakes.load() == 1);
  hub.publish({event_at(5, "job.log", "k", 0, "a")});
  CHECK(wakes.load() == 1);
  SubscriptionQueue::Taken taken = queue->take(100);
  CHECK(seqs(taken.events) == std::vector<int64_t>{3, 5});
  CHECK(taken.drained);
  CHECK(taken.last_offered == 5);
  hub.publish({event_at(6, "job.log", "j", 0, "b")});
  CHECK(wakes.load() == 1);
  hub.publish({event_at(7, "job.log", "k", 0, "a")});
  CHECK(wakes.load() == 2);
  queue->close();
  hub.detach(queue.get());
  hub.publish({event_at(8, "job.log", "k", 0, "a")});
  CHECK(wakes.load() == 2);
}

TEST_CASE("hub: a progress is skipped when the same job's next progress, within the window, is published before it is taken") {
  Hub hub(1000);
  auto queue = hub.attach(EventFilter{}, 1000, 250, nullptr);
  hub.publish({event_at(1, "job.progress", "x", 0), event_at(2, "job.progress", "y", 0),
               event_at(3, "job.progress", "x", 100), event_at(4, "job.log", "x", 120),
               event_at(5, "job.progress", "x", 1000)});
  // x@0 gives way to x@100; x@100 stays: x@1000 is 900 ms later.
  CHECK(seqs(queue->take(100).events) == std::vector<int64_t>{2, 3, 4, 5});
  hub.publish({event_at(6, "job.progress", "z", 2000)});
  CHECK(seqs(queue->take(100).events) == std::vector<int64_t>{6});
  hub.publish({event_at(7, "job.progress", "z", 2050)});  // z@2000 was taken before this came
  CHECK(seqs(queue->take(100).events) == std::vector<int64_t>{7});
  hub.publish({event_at(8, "job.progress", "w", 3000), event_at(9, "job.progress", "w", 3010)});
  SubscriptionQueue::Taken taken = queue->take(1);
  CHECK(seqs(taken.events) == std::vector<int64_t>{9});
  CHECK(taken.drained);
}

TEST_CASE("hub: a shed subscription is told gap and catches up from the log with no hole, and queue drops are counted") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.progress_flush_ms = 0;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  const int64_t start = core->log_info().head_seq;
  auto subscription = core->subscribe({}).value();
  for (int i = 0; i < 300; ++i) REQUIRE(core->append_log(id, {"before"}).ok());
  CHECK(core->queue_drops() == 0);
  subscription->shed();
  subscription->shed();  // already shed: not counted twice
  CHECK(core->queue_drops() == 1);
  for (int i = 0; i < 300; ++i) REQUIRE(core->append_log(id, {"after"}).ok());
  std::vector<EventPtr> received;
  bool saw_gap = false;
  while (subscription->ready()) {
    Delivery d = subscription->take(128);
    saw_gap = saw_gap || d.gap;
    received.insert(received.end(), d.events.begin(), d.events.end());
  }
  REQUIRE(core->append_log(id, {"live"}).ok());
  Delivery live = subscription->take(128);
  received.insert(received.end(), live.events.begin(), live.events.end());
  CHECK(saw_gap);
  CHECK(contiguous(received, start + 1, core->log_info().head_seq));
  subscription->close();
}

TEST_CASE("hub: undelivered progress is coalesced, latest wins, and status and logs never are") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.progress_flush_ms = 60'000;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  auto subscription = core->subscribe({}).value();
  for (int i = 1; i <= 50; ++i) {
    REQUIRE(core->set_progress(id, i).ok());
    if (i == 25) REQUIRE(core->append_log(id, {"halfway"}).ok());
  }
  REQUIRE(core->set_status(id, JobStatus::completed).ok());
  std::vector<std::string> types;
  std::vector<double> progress;
  Delivery d = subscription->take(1000);
  int64_t previous = 0;
  for (const auto& e : d.events) {
    CHECK(e->seq > previous);
    previous = e->seq;
    types.push_back(e->type);
    if (e->type == "job.progress") progress.push_back(json::parse(e->json)["data"]["progress_percent"]);
  }
  CHECK(types == std::vector<std::string>{"job.log", "job.progress", "job.status"});
  CHECK(progress == std::vector<double>{50});
  CHECK(d.cursor == core->log_info().head_seq);
}

TEST_CASE("hub: filters pick by project, job tree and type") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string root = create(*core, new_job("pipeline"));
  SubscribeOptions options;
  options.filter.job = root;
  options.filter.types = {"job.status"};
  Collector collector(*core, options);
  std::string child = create(*core, new_job("step", root));
  std::string other = create(*core);
  REQUIRE(core->set_status(other, JobStatus::running).ok());
  REQUIRE(core->set_status(child, JobStatus::running).ok());
  auto last_match = core->set_status(root, JobStatus::running);
  REQUIRE(last_match.ok());
  REQUIRE(core->set_status(other, JobStatus::completed).ok());
  REQUIRE(collector.wait_for_cursor(last_match.value().event->seq));
  auto events = collector.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0]->job == child);
  CHECK(events[1]->job == root);
}

TEST_CASE("hub: a cursor older than retention is told reset and continues live") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.retention_events = 5;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  write_until_pruned(*core, id);
  SubscribeOptions resume;
  resume.after = 0;
  Collector collector(*core, resume);
  REQUIRE(collector.wait_for_cursor(core->log_info().head_seq));
  CHECK(collector.resets() == 1);
  REQUIRE(core->append_log(id, {"after reset"}).ok());
  REQUIRE(collector.wait_for_cursor(core->log_info().head_seq));
  auto events = collector.events();
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()->type == "job.log");
}

TEST_CASE("hub: after close the wake callback is never called and take returns nothing") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::atomic<int> wakes{0};
  SubscribeOptions options;
  options.wake = [&] { ++wakes; };
  auto subscription = core->subscribe(options).value();
  subscription->close();
  create(*core);
  CHECK(wakes.load() == 0);
  CHECK(subscription->take(10).events.empty());
  CHECK_FALSE(subscription->ready());
}

TEST_CASE("hub: closing the core ends every subscription but keeps committed events in the log") {
  ON_EACH_STORE(stores);
  std::string path = stores.location("jobs");
  int64_t head = 0;
  {
    auto core = open_core(path);
    auto subscription = core->subscribe({}).value();
    create(*core);
    head = core->log_info().head_seq;
    core->close();
    CHECK(core->subscribe({}).status().code() == Code::closed);
    CHECK_FALSE(subscription->ready());
  }
  auto reopened = open_core(path);
  SubscribeOptions resume;
  resume.after = 0;
  Collector collector(*reopened, resume);
  REQUIRE(collector.wait_for_cursor(head));
  CHECK(contiguous(collector.events(), 1, head));
}
