#include "store/read_rules.h"

#include <algorithm>
#include <unordered_set>

namespace jobwire {

Result<int64_t> head_for_cursor(const char* name, int64_t cursor, int64_t head, int64_t pruned_through) {
  if (cursor < pruned_through)
    return Status{Code::reset, std::string(name) + " " + std::to_string(cursor) + " is older than retention (oldest seq " +
                                   std::to_string(pruned_through + 1) + ")"};
  if (cursor > head)
    return Status{Code::reset, std::string(name) + " " + std::to_string(cursor) + " is beyond the newest seq " +
                                   std::to_string(head) + ": the store was replaced"};
  return head;
}

JobSet job_set_in_order(const std::vector<std::string>& ids, std::unordered_map<std::string, Job> found) {
  JobSet set;
  std::unordered_set<std::string> answered;  // an id asked for twice is answered once
  for (const std::string& id : ids) {
    if (!answered.insert(id).second) continue;
    auto it = found.find(id);
    if (it == found.end()) {
      set.missing.push_back(id);
      continue;
    }
    set.changed_seq = std::max(set.changed_seq, it->second.updated_seq);
    set.jobs.push_back(std::move(it->second));
  }
  return set;
}

LatestFileChanges::LatestFileChanges(int64_t since_seq, int64_t head) {
  changes_.since_seq = since_seq;
  changes_.seq = head;
  changes_.changed_seq = since_seq;
}

void LatestFileChanges::add(FileChangeEntry entry) {
  changes_.changed_seq = entry.seq;
  auto [it, inserted] = by_path_.emplace(entry.path, changes_.files.size());
  if (inserted) changes_.files.push_back(std::move(entry));
  else changes_.files[it->second] = std::move(entry);
}

FileChanges LatestFileChanges::finish() && {
  // Rows were kept where each path first appeared; the answer lists them by latest change.
  std::sort(changes_.files.begin(), changes_.files.end(),
            [](const FileChangeEntry& a, const FileChangeEntry& b) { return a.seq < b.seq; });
  return std::move(changes_);
}

}  // namespace jobwire
