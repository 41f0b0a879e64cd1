// The seq of the last change to each job, kept from the commit stream so a conditional GET
// is answered from memory. Only the writer thread records; an unknown job means "ask the
// store", so dropping the whole map when it grows too big is always safe.
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

 private:
  static constexpr size_t kMaxJobs = 200'000;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> seq_by_job_;
};

}  // namespace jobwire
