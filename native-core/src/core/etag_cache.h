// The seq of the last change to each job, kept from the commit stream so a conditional GET
// is answered from memory. The commit stream records; store reads teach it the jobs that
// have not changed since the server started. An unknown job means "ask the store", so
// dropping the whole map when it grows too big is always safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/event.h"

namespace jobwire {

class EtagCache {
 public:
  void record(const std::vector<EventPtr>& committed);
  std::optional<int64_t> find(const std::string& job_id) const;

  // Counts the drops of the whole map; taken before a store read and passed to learn().
  uint64_t generation() const;
  // What a store read found: job `job_id` as of `updated_seq`. Kept only while the job is
  // still unknown and the map was not dropped since `generation_before_read`: a commit
  // recorded after the read began is at least as new, and must not be overwritten by it.
  void learn(const std::string& job_id, int64_t updated_seq, uint64_t generation_before_read);

 private:
  void drop_when_full_locked();

  static constexpr size_t kMaxJobs = 200'000;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> seq_by_job_;
  uint64_t generation_ = 0;
};

}  // namespace jobwire
