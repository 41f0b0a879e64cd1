// The pure parts of the API's requests and answers: targets and queries, route patterns,
// ETag matching.
#include <catch2/catch.hpp>

#include "api/answer.h"
#include "api/query.h"

using namespace jobwire::api;

TEST_CASE("api query: targets decode percent-escapes and refuse malformed ones") {
  std::string path;
  Query query;
  REQUIRE(parse_target("/api/jobs/j%201?status=running&types=x.*%2Cjob.log&flag&q=a+b", path, query));
  CHECK(path == "/api/jobs/j 1");
  REQUIRE(query.size() == 4);
  CHECK(query[1] == std::pair<std::string, std::string>{"types", "x.*,job.log"});
  CHECK(query[2] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(query[3].second == "a b");
  CHECK_FALSE(parse_target("/a?x=%zz", path, query));
  CHECK_FALSE(parse_target("/a%0", path, query));
  CHECK_FALSE(parse_target("/a%00b", path, query));
  // A raw NUL too (found by fuzz_query): no name is ever cut short by one.
  CHECK_FALSE(parse_target(std::string_view("/a?x=1\0&y=2", 12), path, query));
  CHECK_FALSE(parse_target(std::string_view("/a\0b", 4), path, query));
  CHECK_FALSE(parse_target("http://host/a", path, query));
}

TEST_CASE("api query: integer parameters are range-checked") {
  Query query = {{"limit", "20"}, {"bad", "2x"}, {"neg", "-1"}, {"empty", ""}};
  CHECK(int_param(query, "limit", 50, 1, 1000).value() == 20);
  CHECK(int_param(query, "absent", 50, 1, 1000).value() == 50);
  CHECK(int_param(query, "empty", 50, 1, 1000).value() == 50);
  CHECK(int_param(query, "bad", 0, 0, 10).status().code() == jobwire::Code::invalid_argument);
  CHECK(int_param(query, "bad", 0, 0, 10).status().message() == "bad must be an integer from 0 to 10");
  CHECK_FALSE(int_param(query, "neg", 0, 0, 10).ok());
}

TEST_CASE("api answer: If-None-Match matches lists, weak tags and *") {
  std::string etag = make_etag("ep", 42);
  CHECK(etag == "\"ep-42\"");
  CHECK(etag_matches(std::string_view("\"ep-42\""), etag));
  CHECK(etag_matches(std::string_view("\"x\", W/\"ep-42\""), etag));
  CHECK(etag_matches(std::string_view("*"), etag));
  CHECK_FALSE(etag_matches(std::string_view("\"ep-41\""), etag));
  CHECK_FALSE(etag_matches(std::nullopt, etag));
}

TEST_CASE("api query: a route pattern matches whole segments and captures {id}") {
  std::string id;
  CHECK(match_path("/api/jobs/{id}/logs", "/api/jobs/j_1/logs", id));
  CHECK(id == "j_1");
  CHECK_FALSE(match_path("/api/jobs/{id}", "/api/jobs/", id));
  CHECK_FALSE(match_path("/api/jobs/{id}", "/api/jobs/j_1/logs", id));
  CHECK_FALSE(match_path("/api/events", "/api/events/stream", id));
}
