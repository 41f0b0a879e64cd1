// The jobs this server last read for GET /api/jobs/{id}, each as of its updated_seq, with the
// body last rendered for it. A job whose ETag seq (from the core's memory) still equals the
// cached one has not changed, so its 200 comes from memory on the loop thread instead of a
// store read. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "jobwire/job.h"

namespace jobwire::http {

class JobCache {
 public:
  using Render = std::function<std::string(const Job& job, int64_t now_ms)>;

  JobCache(size_t capacity, Render render) : capacity_(capacity), render_(std::move(render)) {}

  // The body of job `id` as of `now_ms`, if the cached job is as of `current_seq`; null
  // otherwise. A running job's body (its duration_seconds) is rendered again each millisecond;
  // any other job's body holds until the job changes.
  const std::string* body(const std::string& id, int64_t current_seq, int64_t now_ms);
  // Keeps `job` (replacing an older copy). Past the capacity it starts over: the jobs being
  // read now come back within one read each.
  void keep(const Job& job);

 private:
  struct Entry {
    Job job;
    std::string body;
    int64_t rendered_at_ms = -1;
  };
  const size_t capacity_;
  const Render render_;
  std::unordered_map<std::string, Entry> jobs_;
};

}  // namespace jobwire::http
