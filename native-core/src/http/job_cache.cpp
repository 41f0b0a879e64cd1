#include "http/job_cache.h"

namespace jobwire::http {

const std::string* JobCache::body(const std::string& id, int64_t current_seq, int64_t now_ms) {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.job.updated_seq != current_seq) return nullptr;
  Entry& entry = it->second;
  const bool changes_with_time = entry.job.started_at_ms != 0 && entry.job.completed_at_ms == 0;
  if (entry.rendered_at_ms < 0 || (changes_with_time && entry.rendered_at_ms != now_ms)) {
    entry.body = render_(entry.job, now_ms);
    entry.rendered_at_ms = now_ms;
  }
  return &entry.body;
}

void JobCache::keep(const Job& job) {
  if (jobs_.size() >= capacity_ && !jobs_.contains(job.id)) jobs_.clear();
  jobs_.insert_or_assign(job.id, Entry{job, {}, -1});
}

}  // namespace jobwire::http
