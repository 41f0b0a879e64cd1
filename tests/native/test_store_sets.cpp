// Reads of many things at once through the Core facade: jobs by id in one transaction, and
// the latest change per path of a project's files since a seq, bounded by retention.
#include <catch2/catch.hpp>

#include "temp_store.h"
#include "test_stores.h"

using namespace jobwire;
using namespace jobwire_test;

namespace {

NewJob in_project(std::string project, std::optional<std::string> parent = std::nullopt) {
  NewJob job = new_job("tool", std::move(parent));
  job.project = std::move(project);
  return job;
}

}  // namespace

TEST_CASE("store sets: jobs by id come in the order asked, once each, the unknown ones listed as missing") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string a = create(*core);
  std::string b = create(*core);
  REQUIRE(core->set_status(a, JobStatus::running).ok());
  auto set = core->get_jobs({b, "j_unknown", a, b, "j_unknown"});
  REQUIRE(set.ok());
  REQUIRE(set.value().jobs.size() == 2);
  CHECK(set.value().jobs[0].id == b);
  CHECK(set.value().jobs[1].id == a);
  CHECK(set.value().jobs[1].status == JobStatus::running);
  CHECK(set.value().missing == std::vector<std::string>{"j_unknown"});
  CHECK(set.value().changed_seq == set.value().jobs[1].updated_seq);
  CHECK(set.value().seq == core->log_info().head_seq);
}

TEST_CASE("store sets: no ids, or more than 100, are refused") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  CHECK(core->get_jobs({}).status().code() == Code::invalid_argument);
  std::vector<std::string> many(kMaxJobIds + 1, "j_x");
  CHECK(core->get_jobs(many).status().code() == Code::invalid_argument);
  many.pop_back();
  CHECK(core->get_jobs(many).ok());
}

TEST_CASE("store sets: file changes are the latest per path in the project after the seq") {
  ON_EACH_STORE(stores);
  auto core = open_core(stores.location("jobs"));
  std::string turn = create(*core, in_project("docs"));
  std::string tool = create(*core, in_project("docs", turn));
  std::string other = create(*core, in_project("other"));
  REQUIRE(core->register_file(turn, "old.md", FileChange::created).ok());
  int64_t since = core->log_info().head_seq;
  REQUIRE(core->register_file(tool, "a.md", FileChange::created).ok());
  REQUIRE(core->register_file(turn, "old.md", FileChange::deleted).ok());
  REQUIRE(core->register_file(other, "a.md", FileChange::created).ok());
  auto last = core->register_file(tool, "a.md", FileChange::modified);
  REQUIRE(last.ok());

  auto changes = core->file_changes("docs", since);
  REQUIRE(changes.ok());
  const auto& files = changes.value().files;
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "old.md");
  CHECK(files[0].change == FileChange::deleted);
  CHECK(files[0].job_id == turn);
  CHECK(files[1].path == "a.md");
  CHECK(files[1].change == FileChange::modified);
  CHECK(files[1].job_id == tool);
  CHECK(files[1].seq == last.value().event->seq);
  CHECK_FALSE(files[1].file_id.empty());
  CHECK(changes.value().changed_seq == last.value().event->seq);
  CHECK(changes.value().seq == core->log_info().head_seq);

  auto none = core->file_changes("docs", core->log_info().head_seq);
  REQUIRE(none.ok());
  CHECK(none.value().files.empty());
  CHECK(none.value().changed_seq == core->log_info().head_seq);
  CHECK(core->file_changes("", 0).status().code() == Code::invalid_argument);
  CHECK(core->file_changes("docs", -1).status().code() == Code::invalid_argument);
}

TEST_CASE("store sets: file changes since a seq behind retention or beyond the head answer reset") {
  ON_EACH_STORE(stores);
  CoreOptions options;
  options.retention_events = 10;
  auto core = open_core(stores.location("jobs"), options);
  std::string id = running_job(*core);
  LogInfo info = write_until_pruned(*core, id);
  CHECK(core->file_changes("default", 0).status().code() == Code::reset);
  CHECK(core->file_changes("default", info.oldest_seq - 1).ok());
  CHECK(core->file_changes("default", info.head_seq + 100).status().code() == Code::reset);
}
