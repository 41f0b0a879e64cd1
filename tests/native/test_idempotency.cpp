// Idempotency keys through the Core facade: a retried write commits once and is answered as
// the first time; a key reused for another request is refused; keys outlive a restart and
// are forgotten by count and by age.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "temp_store.h"
#include "test_stores.h"

using namespace jobwire;
using namespace jobwire_test;

namespace {

WriteOptions keyed(std::string key) { return WriteOptions{std::move(key)}; }

int64_t head(Core& core) { return core.log_info().head_seq; }

// The job as a write answers it: the same text for the first answer and a replay.
std::string answer(const Committed& committed) {
  return job_to_json(*committed.job, committed.event->ts_ms) + "@" + std::to_string(committed.event->seq);
}

}  // namespace

TEST_CASE("idempotency: the same key and request twice commit once and answer the same") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = running_job(*core);

  auto first = core->append_log(id, {"compiled 1/3"}, keyed("log-1"));
  REQUIRE(first.ok());
  CHECK_FALSE(first.value().replayed);
  const int64_t after_first = head(*core);
  auto again = core->append_log(id, {"compiled 1/3"}, keyed("log-1"));
  REQUIRE(again.ok());
  CHECK(again.value().replayed);
  CHECK(head(*core) == after_first);
  CHECK(answer(again.value()) == answer(first.value()));
  CHECK(again.value().event->json == first.value().event->json);
  CHECK(core->get_logs(id, 0, 100).value().total_lines == 1);

  // The answer is the first write's, not the job as it is now.
  REQUIRE(core->set_progress(id, 40).ok());
  auto later = core->append_log(id, {"compiled 1/3"}, keyed("log-1"));
  REQUIRE(later.ok());
  CHECK(answer(later.value()) == answer(first.value()));
  CHECK(later.value().job->progress_percent == 0);
}

TEST_CASE("idempotency: every write takes a key") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  NewJob job = new_job();
  job.id = "keyed-job";
  auto created = core->create_job(job, keyed("create"));
  REQUIRE(created.ok());
  CHECK(core->create_job(job, keyed("create")).value().replayed);  // not "already exists"
  std::string id = created.value().job->id;

  JobPatch patch;
  patch.summary_json = R"({"steps":3})";
  const std::vector<std::function<Result<Committed>()>> writes = {
      [&] { return core->set_status(id, JobStatus::running, std::nullopt, keyed("status")); },
      [&] { return core->set_progress(id, 10, keyed("progress")); },
      [&] { return core->update_job(id, patch, keyed("patch")); },
      [&] { return core->register_file(id, "out/a.txt", FileChange::created, keyed("file")); },
      [&] { return core->emit("x.note", id, R"({"n":1})", keyed("emit")); },
      [&] { return core->emit("x.free", std::nullopt, R"([1,2])", keyed("emit-no-job")); },
  };
  for (const auto& write : writes) {
    auto first = write();
    INFO(first.status().message());
    REQUIRE(first.ok());
    const int64_t after = head(*core);
    auto again = write();
    REQUIRE(again.ok());
    CHECK(again.value().replayed);
    CHECK(head(*core) == after);
    CHECK(again.value().event->json == first.value().event->json);
    CHECK(again.value().job.has_value() == first.value().job.has_value());
  }
}

TEST_CASE("idempotency: the same key with another request is refused with conflict and writes nothing") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = running_job(*core);
  REQUIRE(core->set_progress(id, 10, keyed("k")).ok());
  const int64_t after = head(*core);

  auto other_value = core->set_progress(id, 11, keyed("k"));
  CHECK(other_value.status().code() == Code::conflict);
  auto other_operation = core->append_log(id, {"10"}, keyed("k"));
  CHECK(other_operation.status().code() == Code::conflict);
  CHECK(head(*core) == after);
  CHECK(core->get_job(id).value().progress_percent == 10);
}

TEST_CASE("idempotency: a refused write stores no key, so the same request may succeed later") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = create(*core);
  auto refused = core->set_status(id, JobStatus::completed, std::nullopt, keyed("finish"));
  CHECK(refused.status().code() == Code::invalid_transition);
  REQUIRE(core->set_status(id, JobStatus::running).ok());
  auto done = core->set_status(id, JobStatus::completed, std::nullopt, keyed("finish"));
  REQUIRE(done.ok());
  CHECK_FALSE(done.value().replayed);
  CHECK(done.value().job->status == JobStatus::completed);
}

TEST_CASE("idempotency: malformed keys are refused before anything is queued") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = running_job(*core);
  const int64_t before = head(*core);
  for (const std::string& key : {std::string(), std::string(201, 'k'), std::string("a\nb"), std::string("\xff\xfe")}) {
    auto refused = core->set_progress(id, 5, keyed(key));
    CHECK(refused.status().code() == Code::invalid_argument);
  }
  CHECK(core->set_progress(id, 5, keyed(std::string(200, 'k'))).ok());
  CHECK(head(*core) == before + 1);
}

TEST_CASE("idempotency: keys survive a restart of the store") {
  ON_EACH_STORE(stores);
  std::string id;
  std::string first_answer;
  {
    auto core = open_core(stores.location("jobs"));
    id = running_job(*core);
    auto first = core->set_progress(id, 70, keyed("p70"));
    REQUIRE(first.ok());
    first_answer = answer(first.value());
    core->close();
  }
  auto core = open_core(stores.location("jobs"));
  const int64_t before = head(*core);
  auto retried = core->set_progress(id, 70, keyed("p70"));
  REQUIRE(retried.ok());
  CHECK(retried.value().replayed);
  CHECK(answer(retried.value()) == first_answer);
  CHECK(head(*core) == before);
}

TEST_CASE("idempotency: a replay publishes nothing to subscribers") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string id = running_job(*core);
  auto subscription = core->subscribe({}).value();
  // Log lines, not progress: undrained progress events of one job may be coalesced.
  REQUIRE(core->append_log(id, {"1"}, keyed("a")).ok());
  REQUIRE(core->append_log(id, {"1"}, keyed("a")).ok());
  REQUIRE(core->append_log(id, {"2"}).ok());
  std::vector<int64_t> seqs;
  for (int i = 0; i < 100 && seqs.size() < 2; ++i) {
    for (const auto& event : subscription->take(100).events) seqs.push_back(event->seq);
    if (seqs.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(seqs.size() == 2);
  CHECK(seqs[1] == seqs[0] + 1);
  CHECK_FALSE(subscription->ready());
  subscription->close();
}

TEST_CASE("idempotency: keys are forgotten by count, oldest first") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.idempotency_key_count = 2;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  for (const char* key : {"a", "b", "c"}) REQUIRE(core->append_log(id, {key}, keyed(key)).ok());
  // a is the oldest of three: forgotten, so the same request commits again.
  CHECK_FALSE(core->append_log(id, {"a"}, keyed("a")).value().replayed);
  // c is among the newest two (c, a): still answered from the store.
  CHECK(core->append_log(id, {"c"}, keyed("c")).value().replayed);
  CHECK(core->get_logs(id, 0, 100).value().total_lines == 4);
}

TEST_CASE("idempotency: keys are forgotten by age") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.idempotency_key_ms = 200;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  REQUIRE(core->append_log(id, {"once"}, keyed("old")).ok());
  CHECK(core->append_log(id, {"once"}, keyed("old")).value().replayed);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto after_window = core->append_log(id, {"once"}, keyed("old"));
  REQUIRE(after_window.ok());
  CHECK_FALSE(after_window.value().replayed);
  CHECK(core->get_logs(id, 0, 100).value().total_lines == 2);
}
