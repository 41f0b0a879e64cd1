// The event envelope, identical on every transport, and the filters a subscriber may set.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jobwire {

// One committed entry of the log. Immutable once made; shared by every subscriber.
struct Event {
  int64_t seq = 0;
  std::string type;     // job.created, job.status, job.progress, job.log, job.file, job.updated, x.*
  int64_t ts_ms = 0;
  std::string job;      // empty for an event not tied to a job
  std::string project;
  // "/root/…/job/": the job's ancestry, so a filter on one job also takes its subjobs.
  std::string tree_path;
  // The envelope serialized once: {"seq","type","ts","job","parent","project","data"}.
  std::string json;
};

using EventPtr = std::shared_ptr<const Event>;

// The types of the events the core writes for jobs. Custom events are "x." and a name: they
// never change a job (its ETag stays) and are never coalesced.
namespace event_types {
inline constexpr const char* kCreated = "job.created";
inline constexpr const char* kStatus = "job.status";
inline constexpr const char* kProgress = "job.progress";
inline constexpr const char* kUpdated = "job.updated";
inline constexpr const char* kLog = "job.log";
inline constexpr const char* kFile = "job.file";
inline constexpr const char* kCustomPrefix = "x.";

inline bool is_custom(const std::string& type) noexcept { return type.rfind(kCustomPrefix, 0) == 0; }
}  // namespace event_types

struct EventPage {
  std::vector<EventPtr> events;
  int64_t next = 0;  // the cursor to resume from: the last seq examined, even if filtered out
};

// Filters of the event routes. An empty filter matches everything.
struct EventFilter {
  std::optional<std::string> project;
  std::optional<std::string> job;  // that job and all its subjobs
  std::vector<std::string> types;  // exact types, or a prefix ending in '*' ("x.*")

  bool empty() const noexcept { return !project && !job && types.empty(); }
  bool matches(const Event& event) const noexcept;
};

// Builds the envelope JSON: {"seq","type","ts","job","parent","project","data"}; `job` and
// `parent` are null when empty. Done once per event, by the store.
std::string event_envelope_json(int64_t seq, const std::string& type, int64_t ts_ms, const std::string& job,
                                const std::optional<std::string>& parent, const std::string& project,
                                const std::string& data_json);

// ISO-8601 UTC with milliseconds: 2026-11-22T10:00:00.123Z
std::string iso_time(int64_t ms);
// Parses ISO-8601 (the form above, or without fraction / with offset Z); nullopt if malformed.
std::optional<int64_t> parse_iso_time(const std::string& text);

}  // namespace jobwire
