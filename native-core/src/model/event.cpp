// The event envelope and the filters of the event routes.
#include "jobwire/event.h"

#include <string_view>

#include "model/json_forms.h"

namespace jobwire {

static bool type_matches(const std::string& pattern, const std::string& type) {
  if (!pattern.empty() && pattern.back() == '*')
    return type.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return pattern == type;
}

// tree_path is "/root/…/id/": the job itself or a descendant holds "/<job>/". Matched in
// place: this runs for every event and every filtered subscriber.
static bool tree_contains(std::string_view tree_path, std::string_view job) {
  for (size_t at = tree_path.find(job); at != std::string_view::npos; at = tree_path.find(job, at + 1)) {
    size_t end = at + job.size();
    if (at > 0 && tree_path[at - 1] == '/' && end < tree_path.size() && tree_path[end] == '/') return true;
  }
  return false;
}

bool EventFilter::matches(const Event& event) const noexcept {
  if (project && event.project != *project) return false;
  if (job && !tree_contains(event.tree_path, *job)) return false;
  if (types.empty()) return true;
  for (const auto& pattern : types)
    if (type_matches(pattern, event.type)) return true;
  return false;
}

std::string event_envelope_json(int64_t seq, const std::string& type, int64_t ts_ms, const std::string& job,
                                const std::optional<std::string>& parent, const std::string& project,
                                const std::string& data_json) {
  std::string text;
  envelope_from_parts(seq, envelope_type(type), envelope_time(ts_ms), envelope_subject(job, parent, project),
                      dump_json(stored_json(data_json)), text);
  return text;
}

EnvelopeSubject envelope_subject(const std::string& job, const std::optional<std::string>& parent,
                                 const std::string& project) {
  json members = {
      {"job", job.empty() ? json() : json(job)},
      {"parent", parent ? json(*parent) : json()},
      {"project", project},
  };
  std::string text = dump_json(members);
  return {text.substr(1, text.size() - 2)};  // without the braces
}

std::string envelope_time(int64_t ts_ms) { return dump_json(json(iso_time(ts_ms))); }

std::string envelope_type(const std::string& type) { return dump_json(json(type)); }

void envelope_from_parts(int64_t seq, const std::string& quoted_type, const std::string& time,
                         const EnvelopeSubject& subject, std::string_view data_text, std::string& text) {
  text.clear();
  text.reserve(64 + quoted_type.size() + time.size() + subject.members.size() + data_text.size());
  text += R"({"seq":)";
  text += std::to_string(seq);
  text += R"(,"type":)";
  text += quoted_type;
  text += R"(,"ts":)";
  text += time;
  text += ',';
  text += subject.members;
  text += R"(,"data":)";
  text += data_text;
  text += '}';
}

void progress_data(double percent, std::string& out) {
  out = R"({"progress_percent":)";
  out += dump_json(json(percent));
  out += '}';
}

}  // namespace jobwire
