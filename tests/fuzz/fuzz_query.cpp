// libFuzzer: the request target and the query parsers (api/query.h, api/job_fields.h):
// percent-decoding, the path and query split, cursors (after=, limit=, wait=, since_seq=),
// filters (project=, job=, types=), ids= and fields=. Any bytes get a value or a refusal,
// and an accepted cursor is within its bounds.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/job_fields.h"
#include "api/query.h"
#include "jobwire/event.h"

using namespace jobwire;
using namespace jobwire::api;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string target(reinterpret_cast<const char*>(data), size);
  if (auto decoded = percent_decode(target, true)) require(decoded->find('\0') == std::string::npos);

  std::string path;
  Query query;
  if (!parse_target(target, path, query)) return 0;
  require(path.find('\0') == std::string::npos);
  for (const auto& [name, min, max] : {std::tuple{"after", int64_t{0}, INT64_MAX}, std::tuple{"limit", int64_t{1}, int64_t{1000}},
                                       std::tuple{"wait", int64_t{0}, int64_t{120}}, std::tuple{"since_seq", int64_t{0}, INT64_MAX}}) {
    auto value = int_param(query, name, min, min, max);
    if (value.ok()) require(value.value() >= min && value.value() <= max);
  }
  EventFilter filter = event_filter(query);
  for (const std::string& type : filter.types) require(!type.empty());
  if (auto ids = param(query, "ids"))
    for (const std::string& id : comma_list(*ids)) require(!id.empty() && id.find(',') == std::string::npos);
  (void)job_fields_param(query);
  if (auto since = param(query, "since")) (void)parse_iso_time(std::string(*since));
  return 0;
}
