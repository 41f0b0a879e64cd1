// The rules every store's reads share, once: the cursor rule, the job set's order, and the
// latest change per file path. Each reader brings its own rows.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire {

// A cursor (`name`: "cursor", "since_seq") older than retention, or beyond the head (another
// store), is `reset`; otherwise the head is returned.
Result<int64_t> head_for_cursor(const char* name, int64_t cursor, int64_t head, int64_t pruned_through);

// The jobs asked for, in the order asked, each once; the ids not found listed as missing.
JobSet job_set_in_order(const std::vector<std::string>& ids, std::unordered_map<std::string, Job> found);

// Keeps the latest change of each path, from file events taken in seq order.
class LatestFileChanges {
 public:
  LatestFileChanges(int64_t since_seq, int64_t head);
  void add(FileChangeEntry entry);
  // The changes, listed by their latest seq.
  FileChanges finish() &&;

 private:
  FileChanges changes_;
  std::unordered_map<std::string, size_t> by_path_;  // path → its row in changes_.files
};

}  // namespace jobwire
