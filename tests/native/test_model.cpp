// The job model: the status machine, input validation and the JSON forms.
#include <catch2/catch.hpp>

#include "jobwire/event.h"
#include "model/job_json.h"
#include "model/json_forms.h"
#include "model/transitions.h"
#include "model/validation.h"
#include "model/write_json.h"

using namespace jobwire;

TEST_CASE("status machine: exactly the documented transitions are allowed") {
  const JobStatus all[] = {JobStatus::pending, JobStatus::running, JobStatus::completed, JobStatus::failed,
                           JobStatus::cancelled};
  for (JobStatus from : all) {
    for (JobStatus to : all) {
      bool expected = (from == JobStatus::pending &&
                       (to == JobStatus::running || to == JobStatus::cancelled || to == JobStatus::failed)) ||
                      (from == JobStatus::running &&
                       (to == JobStatus::completed || to == JobStatus::failed || to == JobStatus::cancelled));
      INFO(job_status_name(from) << " -> " << job_status_name(to));
      CHECK(transition_allowed(from, to) == expected);
    }
  }
}

TEST_CASE("validation: progress outside 0-100 and non-numbers are refused") {
  CHECK(check_progress(0).ok());
  CHECK(check_progress(100).ok());
  CHECK(check_progress(-0.5).code() == Code::invalid_argument);
  CHECK(check_progress(100.1).code() == Code::invalid_argument);
  CHECK(check_progress(std::nan("")).code() == Code::invalid_argument);
}

TEST_CASE("validation: names, over-long strings and bad UTF-8 are refused") {
  CHECK(check_name("type", "build.step_1:x-y").ok());
  CHECK(check_name("type", "").code() == Code::invalid_argument);
  CHECK(check_name("type", "has space").code() == Code::invalid_argument);
  CHECK(check_name("type", std::string(129, 'a')).code() == Code::invalid_argument);
  CHECK(check_text("path", std::string(4097, 'a'), limits::kTextLength).code() == Code::invalid_argument);
  CHECK(valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(valid_utf8("\xC3"));          // truncated
  CHECK_FALSE(valid_utf8("\xC0\xAF"));      // overlong
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));  // surrogate
  CHECK_FALSE(valid_utf8("\xFF"));
}

TEST_CASE("job JSON: unknown fields and wrong types are refused with the field named") {
  auto unknown = new_job_from_json(R"({"type":"build","colour":"red"})");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == Code::invalid_argument);
  CHECK(unknown.status().message().find("colour") != std::string::npos);

  auto wrong_type = new_job_from_json(R"({"type":42})");
  REQUIRE_FALSE(wrong_type.ok());
  CHECK(wrong_type.status().message().find("type") != std::string::npos);

  CHECK(new_job_from_json("{\"type\":\"b\"").status().code() == Code::invalid_argument);
  CHECK(new_job_from_json("[]").status().code() == Code::invalid_argument);
  CHECK(new_job_from_json(R"({"project":"p"})").status().code() == Code::invalid_argument);

  auto ok = new_job_from_json(R"({"type":"build","project":"web","priority":3,"summary":{"ok":1}})");
  REQUIRE(ok.ok());
  CHECK(ok.value().project == "web");
  CHECK(ok.value().priority == 3);
  CHECK(*ok.value().summary_json == R"({"ok":1})");

  CHECK(job_patch_from_json("{}").status().code() == Code::invalid_argument);
  CHECK(job_patch_from_json(R"({"status":"running"})").status().code() == Code::invalid_argument);
  auto patch = job_patch_from_json(R"({"output_path":"out/","validation":[1,2]})");
  REQUIRE(patch.ok());
  CHECK(*patch.value().output_path == "out/");
  CHECK(*patch.value().validation_json == "[1,2]");
}

TEST_CASE("write bodies: every route's body refuses an unknown field and a wrong type by name") {
  auto named = [](const Status& s, const std::string& text) {
    return s.code() == Code::invalid_argument && s.message().find(text) != std::string::npos;
  };
  CHECK(named(status_body_from_json(R"({"status":"failed","error":"disk full"})").status(), "unknown field: error"));
  CHECK(named(progress_body_from_json(R"({"progress":50,"percent":50})").status(), "unknown field: percent"));
  CHECK(named(log_body_from_json(R"({"lines":["x"],"stream":"stderr"})").status(), "unknown field: stream"));
  CHECK(named(file_body_from_json(R"({"path":"a","size":3})").status(), "unknown field: size"));
  CHECK(named(event_body_from_json(R"({"type":"x.a","data":{},"level":1})").status(), "unknown field: level"));
  CHECK(named(status_body_from_json(R"({"status":"running","error_message":7})").status(), "error_message"));
  CHECK(named(status_body_from_json(R"({"status":"sleeping"})").status(), "status must be one of"));
  CHECK(named(log_body_from_json(R"({"lines":["a",2]})").status(), "lines"));
  CHECK(named(file_body_from_json(R"({"path":"a","change":"renamed"})").status(), "change"));
  CHECK(named(event_body_from_json(R"({"type":"x.a","job":5})").status(), "job"));

  auto status = status_body_from_json(R"({"status":"failed","error_message":"disk full"})");
  REQUIRE(status.ok());
  CHECK(status.value().status == JobStatus::failed);
  CHECK(*status.value().error_message == "disk full");
  CHECK(progress_body_from_json(R"({"progress":40.5})").value() == 40.5);
  CHECK(log_body_from_json(R"({"lines":"one"})").value() == std::vector<std::string>{"one"});
  auto file = file_body_from_json(R"({"path":"out/a.html"})");
  REQUIRE(file.ok());
  CHECK(file.value().change == FileChange::created);
  auto event = event_body_from_json(R"({"type":"x.note"})");
  REQUIRE(event.ok());
  CHECK(event.value().data_json == "{}");
  CHECK_FALSE(event.value().job.has_value());
}

TEST_CASE("envelope: keys in the documented order, null job and parent when absent") {
  std::string envelope = event_envelope_json(42, "job.status", 1'795'341'600'123, "j_1", std::nullopt, "default",
                                             R"({"status":"running"})");
  CHECK(envelope ==
        R"({"seq":42,"type":"job.status","ts":"2026-11-22T10:00:00.123Z","job":"j_1","parent":null,)"
        R"("project":"default","data":{"status":"running"}})");
  CHECK(event_envelope_json(1, "x.heartbeat", 0, "", std::nullopt, "default", "{}").find(R"("job":null)") !=
        std::string::npos);
}

TEST_CASE("envelope: the writer's reused parts give exactly nlohmann's text of the whole envelope") {
  struct Case {
    int64_t seq;
    std::string type, job;
    std::optional<std::string> parent;
    std::string project;
    json data;
  };
  const Case cases[] = {
      {1, "job.progress", "j_1", std::nullopt, "default", json{{"progress_percent", 42.5}}},
      {9'007'199'254'740'993, "job.created", "j_2", "j_1", "team \"a\"\n\u00e9", json{{"nested", {1, "two", nullptr}}}},
      {3, "x.heartbeat", "", std::nullopt, "default", json::object()},
      {4, "x.note", "j_3", std::nullopt, "p", json("text with \u2028 and \\")},
  };
  for (const auto& c : cases) {
    const int64_t ts = 1'795'341'600'123 + c.seq % 1000;
    json object = {{"seq", c.seq},
                   {"type", c.type},
                   {"ts", iso_time(ts)},
                   {"job", c.job.empty() ? json() : json(c.job)},
                   {"parent", c.parent ? json(*c.parent) : json()},
                   {"project", c.project},
                   {"data", c.data}};
    std::string whole = dump_json(object);
    std::string joined = "a longer envelope left from an earlier event, which the next one replaces whole";
    envelope_from_parts(c.seq, envelope_type(c.type), envelope_time(ts), envelope_subject(c.job, c.parent, c.project),
                        dump_json(c.data), joined);
    CHECK(joined == whole);
    CHECK(json::parse(joined)["project"] == c.project);
  }
}

TEST_CASE("envelope: a progress event's data is nlohmann's text of the object") {
  for (double percent : {0.0, 40.0, 42.5, 100.0, 100.0 / 3, 1e-7, 99.99999999999999}) {
    CAPTURE(percent);
    std::string text = "left from before";
    progress_data(percent, text);
    CHECK(text == dump_json(json{{"progress_percent", percent}}));
  }
}

TEST_CASE("ISO times round-trip and malformed ones are refused") {
  CHECK(iso_time(1'795'341'600'123) == "2026-11-22T10:00:00.123Z");
  CHECK(parse_iso_time("2026-11-22T10:00:00.123Z") == 1'795'341'600'123);
  CHECK(parse_iso_time("2026-11-22T10:00:00Z") == 1'795'341'600'000);
  CHECK_FALSE(parse_iso_time("2026-11-22"));
  CHECK_FALSE(parse_iso_time("2026-13-22T10:00:00Z"));
  CHECK_FALSE(parse_iso_time("yesterday"));
}

TEST_CASE("event filters: project, job tree and type patterns") {
  Event event;
  event.type = "x.intervention_request";
  event.project = "web";
  event.tree_path = "/j_root/j_child/";
  EventFilter filter;
  CHECK(filter.matches(event));
  filter.job = "j_root";
  CHECK(filter.matches(event));
  filter.job = "j_child";
  CHECK(filter.matches(event));
  filter.job = "j_chil";
  CHECK_FALSE(filter.matches(event));
  filter.job.reset();
  filter.types = {"job.status", "x.*"};
  CHECK(filter.matches(event));
  filter.types = {"job.*"};
  CHECK_FALSE(filter.matches(event));
  filter.types.clear();
  filter.project = "other";
  CHECK_FALSE(filter.matches(event));
}
