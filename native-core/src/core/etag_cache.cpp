#include "core/etag_cache.h"

#include <algorithm>

namespace jobwire {

void EtagCache::record(const std::vector<EventPtr>& committed) {
  std::lock_guard lock(mu_);
  drop_when_full_locked();
  for (const EventPtr& event : committed) {
    if (event->job.empty() || event_types::is_custom(event->type)) continue;
    // The newest wins: with PostgreSQL a read may have taught a seq the follower has not
    // published yet.
    int64_t& seq = seq_by_job_[event->job];
    seq = std::max(seq, event->seq);
  }
}

std::optional<int64_t> EtagCache::find(const std::string& job_id) const {
  std::lock_guard lock(mu_);
  auto it = seq_by_job_.find(job_id);
  if (it == seq_by_job_.end()) return std::nullopt;
  return it->second;
}

uint64_t EtagCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

void EtagCache::learn(const std::string& job_id, int64_t updated_seq, uint64_t generation_before_read) {
  std::lock_guard lock(mu_);
  // Dropping here would also drop commits recorded since the read began; a full map learns
  // again after the next commit drops it.
  if (generation_ != generation_before_read || seq_by_job_.size() > kMaxJobs) return;
  seq_by_job_.try_emplace(job_id, updated_seq);
}

void EtagCache::drop_when_full_locked() {
  if (seq_by_job_.size() <= kMaxJobs) return;
  seq_by_job_.clear();
  ++generation_;
}

}  // namespace jobwire
