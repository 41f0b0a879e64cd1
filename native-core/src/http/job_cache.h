// The jobs this server last read for GET /api/jobs/{id}, each as of its updated_seq. A job
// whose ETag seq (from the core's memory) still equals the cached one has not changed, so its
// 200 is rendered from memory on the loop thread instead of a store read. Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "jobwire/job.h"

namespace jobwire::http {

class JobCache {
 public:
  explicit JobCache(size_t capacity) : capacity_(capacity) {}

  // The cached job `id` if it is as of `current_seq`; null otherwise.
  const Job* find(const std::string& id, int64_t current_seq) const;
  // Keeps `job` (replacing an older copy). Past the capacity it starts over: the jobs being
  // read now come back within one read each.
  void keep(const Job& job);

 private:
  const size_t capacity_;
  std::unordered_map<std::string, Job> jobs_;
};

}  // namespace jobwire::http
