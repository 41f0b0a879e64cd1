#include "store/stored_key.h"

#include "model/job_snapshot.h"

namespace jobwire {

Result<std::optional<Committed>> answer_from_stored_key(const WriteKey& key, StoredKey stored, int64_t now,
                                                        int64_t keep_ms) {
  if (stored.created_at < now - keep_ms) return std::optional<Committed>();
  if (stored.fingerprint != key.fingerprint)
    return Status{Code::conflict, "this idempotency key was first used with a different request"};
  Committed answer;
  answer.replayed = true;
  answer.event = std::move(stored.event);
  if (stored.job_snapshot) {
    auto job = job_from_snapshot(*stored.job_snapshot);
    if (!job.ok()) return job.status();
    answer.job = std::move(job).value();
  }
  return std::optional<Committed>(std::move(answer));
}

std::optional<std::string> job_snapshot_of(const Committed& committed) {
  if (!committed.job) return std::nullopt;
  return job_to_json(*committed.job, committed.event->ts_ms);
}

}  // namespace jobwire
