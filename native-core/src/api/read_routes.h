// The read routes of DESIGN.md's HTTP API, defined once for every transport: jobwired's HTTP
// routes (http/routes_read.cpp) and the addon's core.query (the Electron bridge's
// jobwire:query) both answer from this table, so each filter, limit, error message and body
// shape has one home. Nothing here knows a socket, a loop or JS.
//
// A request is answered in steps, so that a transport with a loop to keep free can split
// them: plan_read parses and checks the parameters and may answer at once (a refusal, the
// polling config); answer_from_memory answers a 304 from the hub's memory; read reads the
// store and serializes, which blocks, so it runs off any loop thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/answer.h"
#include "api/query.h"
#include "jobwire/core.h"
#include "jobwire/server.h"

namespace jobwire::api {

enum class Route { jobs, jobs_by_ids, job, logs, files, file_changes, events, status_since, polling_config };

// The read route a path names, and its {id} segment.
struct ReadRoute {
  Route route;
  bool open;  // answered to anyone, token or not (the polling config)
  std::string id;
};

// The read route with that (decoded) path; nullopt when none has it. The method is the
// transport's to check: every read route is a GET.
std::optional<ReadRoute> find_read_route(std::string_view path);

// A read with its parameters parsed and checked. Which members a route uses is noted.
struct Plan {
  Route route = Route::jobs;
  std::string id;                   // job, logs, files: the job
  JobFilter filter;                 // jobs
  std::vector<std::string> ids;     // jobs_by_ids
  std::vector<std::string> fields;  // jobs, jobs_by_ids: the projection; empty: whole jobs
  int64_t offset = 0;               // logs
  int64_t limit = 0;                // logs, events, status_since
  int64_t after = 0;                // events: the cursor; file_changes: since_seq; status_since: ms
  EventFilter events;               // events
  std::string project;              // file_changes
  int64_t wait_s = 0;               // events: how long a transport that can wait waits for one
  std::optional<std::string> if_none_match;
};

// What plan_read resolves a request to: a plan to read, or its answer already.
using Planned = std::variant<Plan, Answer>;

Planned plan_read(const ReadRoute& route, const Query& query, std::optional<std::string> if_none_match,
                  const PollingConfig& polling);

// A 304 when the client's copy is current by the hub's memory (no store read); nullopt when
// memory cannot tell. Cheap: fit for a loop thread.
std::optional<Answer> answer_from_memory(const Plan& plan, const Core& core, const std::string& epoch);

// What a store read produced: the answer, and what a transport may keep of it.
struct Outcome {
  Answer answer;
  std::optional<Job> job;  // job: the job read, for a cache of rendered jobs
  size_t events = 0;       // events: how many the answer carries
  bool idle = false;       // events: none matched; a transport that can wait waits after `next`
  int64_t next = 0;
};

// Reads the store and builds the answer. Blocks: never on a loop thread.
Outcome read(const Plan& plan, Core& core, const std::string& epoch);

// A whole request on the calling thread (`target` is the path and query): for a transport
// that answers from a pool thread and keeps no cache (the addon's core.query). A method other
// than GET finds no route.
Answer answer_request(Core& core, std::string_view method, std::string_view target, const PollingConfig& polling);

}  // namespace jobwire::api
