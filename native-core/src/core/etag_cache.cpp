#include "core/etag_cache.h"

namespace jobwire {

void EtagCache::record(const std::vector<EventPtr>& committed) {
  std::lock_guard lock(mu_);
  if (seq_by_job_.size() > kMaxJobs) seq_by_job_.clear();
  for (const EventPtr& event : committed) {
    // Custom x.* events do not change the job, so they leave its ETag alone.
    if (event->job.empty() || event->type.rfind("x.", 0) == 0) continue;
    seq_by_job_[event->job] = event->seq;
  }
}

std::optional<int64_t> EtagCache::find(const std::string& job_id) const {
  std::lock_guard lock(mu_);
  auto it = seq_by_job_.find(job_id);
  if (it == seq_by_job_.end()) return std::nullopt;
  return it->second;
}

}  // namespace jobwire
