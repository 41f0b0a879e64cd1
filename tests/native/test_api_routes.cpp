// The API's read-route table (api/read_routes.h) on a real SQLite file: what each route
// answers, what it refuses and with which message, and the 304s it answers from memory.
// jobwired's HTTP routes and the addon's core.query both answer from this table.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <variant>

#include "api/query.h"
#include "api/read_routes.h"
#include "core/etag_cache.h"
#include "temp_store.h"

using namespace jobwire;
using namespace jobwire_test;
using nlohmann::json;

namespace {

struct Answered {
  int status;
  json body;
};

Answered get(Core& core, const std::string& target, const PollingConfig& polling = {}) {
  api::Answer answer = api::answer_request(core, "GET", target, polling);
  INFO(target << " → " << answer.body);
  return {answer.status, json::parse(answer.body)};
}

std::string header(const api::Answer& answer, const std::string& name) {
  for (const auto& [key, value] : answer.headers)
    if (key == name) return value;
  return {};
}

NewJob in_project(std::string type, std::string project, std::optional<std::string> parent = std::nullopt) {
  NewJob job = new_job(std::move(type), std::move(parent));
  job.project = std::move(project);
  return job;
}

}  // namespace

TEST_CASE("api routes: each read route answers its snapshot, filtered as asked") {
  TempDir dir;
  auto core = open_core(dir.file("jobwire.db"));
  std::string parent = create(*core, in_project("build", "alpha"));
  std::string child = create(*core, in_project("test", "alpha", parent));
  std::string other = create(*core, in_project("lint", "beta"));
  REQUIRE(core->set_status(parent, JobStatus::running).ok());
  REQUIRE(core->append_log(parent, {"one", "two", "three"}).ok());
  REQUIRE(core->register_file(parent, "out/app.tar", FileChange::created).ok());
  const int64_t head = core->log_info().head_seq;
  const std::string epoch = core->log_info().epoch;

  auto beta = get(*core, "/api/jobs?project=beta");
  CHECK(beta.status == 200);
  REQUIRE(beta.body["jobs"].size() == 1);
  CHECK(beta.body["jobs"][0]["id"] == other);
  CHECK(beta.body["total"] == 1);
  CHECK(beta.body["limit"] == 50);
  CHECK(beta.body["seq"] == head);
  CHECK(beta.body["epoch"] == epoch);
  CHECK(get(*core, "/api/jobs?parent=" + parent).body["jobs"][0]["id"] == child);
  CHECK(get(*core, "/api/jobs?status=running").body["total"] == 1);
  CHECK(get(*core, "/api/jobs?type=lint&offset=0&limit=1").body["jobs"].size() == 1);
  CHECK(get(*core, "/api/jobs?fields=status&type=build").body["jobs"][0] == json{{"id", parent}, {"status", "running"}});

  auto ids = get(*core, "/api/jobs?ids=" + other + ",j_none&fields=status");
  CHECK(ids.body["jobs"] == json::array({json{{"id", other}, {"status", "pending"}}}));
  CHECK(ids.body["missing"] == json::array({"j_none"}));

  auto job = api::answer_request(*core, "GET", "/api/jobs/" + parent, {});
  CHECK(job.status == 200);
  CHECK(json::parse(job.body)["id"] == parent);
  CHECK(header(job, "ETag") == api::make_etag(epoch, core->job_etag(parent).value()));

  auto logs = get(*core, "/api/jobs/" + parent + "/logs?offset=1&limit=1");
  CHECK(logs.body["lines"] == json::array({"two"}));
  CHECK(logs.body["has_more"] == true);
  CHECK(get(*core, "/api/jobs/" + parent + "/files").body["files"][0]["path"] == "out/app.tar");
  CHECK(get(*core, "/api/files?project=alpha&since_seq=0").body["files"][0]["path"] == "out/app.tar");
  CHECK(get(*core, "/api/files?project=beta").body["files"].empty());

  auto events = get(*core, "/api/events?after=0&types=job.status&project=alpha");
  REQUIRE(events.body["events"].size() == 1);
  CHECK(events.body["events"][0]["job"] == parent);
  CHECK(events.body["next"] == head);  // the cursor passes what the filter skipped
  CHECK(get(*core, "/api/events?after=0&job=" + parent).body["events"].size() == 5);
  CHECK(get(*core, "/api/status?since=2000-01-01T00:00:00Z&limit=2").body["events"].size() == 2);

  PollingConfig polling;
  polling.interval_ms = 5'000;
  polling.enabled = false;
  CHECK(get(*core, "/api/config/polling", polling).body ==
        json{{"interval_ms", 5'000}, {"enabled", false}, {"log_interval_ms", 15'000}});
}

TEST_CASE("api routes: bad parameters are refused with the route's message") {
  TempDir dir;
  auto core = open_core(dir.file("jobwire.db"));
  std::string id = create(*core);
  struct Refusal {
    std::string target;
    int status;
    std::string message;
  };
  const Refusal refusals[] = {
      {"/api/jobs?status=bogus", 400, "unknown status bogus"},
      {"/api/jobs?limit=0", 400, "limit must be an integer from 1 to 1000"},
      {"/api/jobs?limit=1001", 400, "limit must be an integer from 1 to 1000"},
      {"/api/jobs?since=yesterday", 400, "since must be an integer from 0 to 9223372036854775807"},
      {"/api/jobs?fields=summary", 400,
       "unknown field in fields: summary (allowed: status, progress_percent, updated_seq, log_lines)"},
      {"/api/jobs?ids=a&status=running", 400, "ids cannot be combined with status"},
      {"/api/jobs?ids=", 400, "ids must name from 1 to 100 jobs (it names 0)"},
      {"/api/jobs/j_missing", 404, "no job with id j_missing"},
      {"/api/jobs/" + id + "/logs?limit=10001", 400, "limit must be an integer from 1 to 10000"},
      {"/api/files", 400, "project is required"},
      {"/api/files?project=p&since_seq=-1", 400, "since_seq must be an integer from 0 to 9223372036854775807"},
      {"/api/events?after=x", 400, "after must be an integer from 0 to 9223372036854775807"},
      {"/api/events?wait=121", 400, "wait must be an integer from 0 to 120"},
      {"/api/status?since=soon", 400, "since must be an ISO-8601 time"},
      {"/api/nope", 404, "no route for GET /api/nope"},
      {"/api/jobs?x=%zz", 400, "the request target is malformed"},
  };
  for (const Refusal& refusal : refusals) {
    auto answer = get(*core, refusal.target);
    INFO(refusal.target);
    CHECK(answer.status == refusal.status);
    CHECK(answer.body["error"]["message"] == refusal.message);
  }
  CHECK(api::answer_request(*core, "POST", "/api/jobs", {}).status == 404);
}

TEST_CASE("api routes: a cursor beyond the head answers 410 reset, with where the log starts") {
  TempDir dir;
  auto core = open_core(dir.file("jobwire.db"));
  create(*core);
  for (const std::string target : {"/api/events?after=99", "/api/files?project=default&since_seq=99"}) {
    auto answer = get(*core, target);
    INFO(target);
    CHECK(answer.status == 410);
    CHECK(answer.body["error"]["code"] == "reset");
    CHECK(answer.body["oldest"] == 1);
    CHECK(answer.body["seq"] == 1);
    CHECK(answer.body["epoch"] == core->log_info().epoch);
  }
}

TEST_CASE("api routes: a plan answers 304 from memory when the client's copy is current") {
  TempDir dir;
  auto core = open_core(dir.file("jobwire.db"));
  std::string id = create(*core);
  const std::string epoch = core->log_info().epoch;
  auto route = api::find_read_route("/api/jobs/" + id);
  REQUIRE(route);
  auto planned = api::plan_read(*route, {}, api::make_etag(epoch, core->job_etag(id).value()), {});
  REQUIRE(std::holds_alternative<api::Plan>(planned));
  auto unchanged = api::answer_from_memory(std::get<api::Plan>(planned), *core, epoch);
  REQUIRE(unchanged);
  CHECK(unchanged->status == 304);
  REQUIRE(core->set_status(id, JobStatus::running).ok());
  CHECK_FALSE(api::answer_from_memory(std::get<api::Plan>(planned), *core, epoch));
  api::Outcome outcome = api::read(std::get<api::Plan>(planned), *core, epoch);
  CHECK(outcome.answer.status == 200);
  REQUIRE(outcome.job);
  CHECK(outcome.job->status == JobStatus::running);
}

TEST_CASE("api routes: logs and files carry their job's ETag, and a reopened core learns ETags from reads") {
  TempDir dir;
  auto core = open_core(dir.file("jobwire.db"));
  std::string id = create(*core);
  REQUIRE(core->append_log(id, {"one"}).ok());
  REQUIRE(core->register_file(id, "out/a.txt", FileChange::created).ok());
  std::string other = create(*core);  // moves the head past the job's last change
  const std::string epoch = core->log_info().epoch;
  const std::string job_etag = api::make_etag(epoch, core->job_etag(id).value());

  auto read = [&](Core& c, const std::string& target, std::optional<std::string> if_none_match) {
    std::string path;
    api::Query query;
    REQUIRE(api::parse_target(target, path, query));
    auto route = api::find_read_route(path);
    REQUIRE(route);
    auto planned = api::plan_read(*route, query, std::move(if_none_match), {});
    REQUIRE(std::holds_alternative<api::Plan>(planned));
    const api::Plan plan = std::get<api::Plan>(planned);
    return std::pair{api::answer_from_memory(plan, c, epoch), api::read(plan, c, epoch).answer};
  };
  const std::vector<std::string> targets = {"/api/jobs/" + id, "/api/jobs/" + id + "/logs",
                                            "/api/jobs/" + id + "/files"};
  for (const std::string& target : targets) {
    INFO(target);
    auto [memory, stored] = read(*core, target, std::nullopt);
    CHECK(stored.status == 200);
    CHECK(header(stored, "ETag") == job_etag);
    auto [memory_304, stored_304] = read(*core, target, job_etag);
    CHECK((memory_304 && memory_304->status == 304));
    CHECK(stored_304.status == 304);
  }

  const int64_t other_seq = core->job_etag(other).value();
  // Every snapshot route answers a matching If-None-Match with 304 on the store path too.
  for (const std::string& target : {std::string("/api/jobs"), "/api/jobs?ids=" + id + "," + other}) {
    INFO(target);
    auto [memory, stored] = read(*core, target, std::nullopt);
    REQUIRE(stored.status == 200);
    auto [memory_304, stored_304] = read(*core, target, header(stored, "ETag"));
    CHECK(stored_304.status == 304);
  }

  core->close();
  core = open_core(dir.file("jobwire.db"));
  CHECK_FALSE(core->job_etag(id));
  CHECK_FALSE(core->job_etag(other));
  for (const std::string& target : targets) {
    INFO(target);
    auto [memory, stored] = read(*core, target, job_etag);
    CHECK(stored.status == 304);  // read from the store, which taught memory the job's ETag
    auto [memory_again, _] = read(*core, target, job_etag);
    CHECK((memory_again && memory_again->status == 304));
  }
  CHECK_FALSE(core->job_etag(other));  // only what was read is learned
  JobFilter page;
  page.limit = 10;
  REQUIRE(core->list_jobs(page).ok());  // a page of jobs teaches each job on it
  CHECK(core->job_etag(other) == other_seq);
  REQUIRE(core->append_log(id, {"two"}).ok());
  auto [memory, stored] = read(*core, "/api/jobs/" + id + "/logs", job_etag);
  CHECK_FALSE(memory);
  CHECK(stored.status == 200);
  CHECK(header(stored, "ETag") == api::make_etag(epoch, core->job_etag(id).value()));
}

TEST_CASE("etag cache: what a read learns never overwrites a commit recorded since it began") {
  auto event = [](std::string job, int64_t seq) {
    Event e;
    e.job = std::move(job);
    e.type = "job.status";
    e.seq = seq;
    return std::make_shared<const Event>(std::move(e));
  };
  EtagCache cache;
  const uint64_t before_read = cache.generation();
  cache.record({event("a", 10)});
  cache.learn("a", 5, before_read);  // read before the commit of seq 10, learned after it
  CHECK(cache.find("a") == 10);
  cache.learn("b", 7, before_read);
  CHECK(cache.find("b") == 7);
  cache.record({event("b", 6)});  // a follower publishing late what a read already taught
  CHECK(cache.find("b") == 7);
  cache.record({event("b", 11)});
  CHECK(cache.find("b") == 11);

  // A full map is dropped by the next commit; a read that began before the drop may have
  // missed a commit the drop took with it, so it teaches nothing.
  std::vector<EventPtr> many;
  for (int i = 0; i <= 200'000; ++i) many.push_back(event("j" + std::to_string(i), 100 + i));
  cache.record(many);
  const uint64_t before_drop = cache.generation();
  cache.record({event("c", 300'000)});
  CHECK(cache.generation() != before_drop);
  CHECK(cache.find("c") == 300'000);
  CHECK_FALSE(cache.find("a"));
  cache.learn("d", 42, before_drop);
  CHECK_FALSE(cache.find("d"));
  cache.learn("d", 42, cache.generation());
  CHECK(cache.find("d") == 42);
}
