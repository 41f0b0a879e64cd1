#include "http/job_cache.h"

namespace jobwire::http {

const Job* JobCache::find(const std::string& id, int64_t current_seq) const {
  auto it = jobs_.find(id);
  return it != jobs_.end() && it->second.updated_seq == current_seq ? &it->second : nullptr;
}

void JobCache::keep(const Job& job) {
  if (jobs_.size() >= capacity_ && !jobs_.contains(job.id)) jobs_.clear();
  jobs_.insert_or_assign(job.id, job);
}

}  // namespace jobwire::http
