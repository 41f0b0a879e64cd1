#include "model/write_json.h"

#include "model/json_fields.h"

namespace jobwire {

using namespace json_fields;

Result<StatusBody> status_body_from_json(const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed.ok()) return parsed.status();
  Status s = refuse_unknown(parsed.value(), {"status", "error_message"});
  std::optional<std::string> name;
  StatusBody out;
  if (s.ok()) s = read_string(parsed.value(), "status", name);
  if (s.ok()) s = read_string(parsed.value(), "error_message", out.error_message);
  if (!s.ok()) return s;
  auto status = name ? parse_job_status(*name) : std::nullopt;
  if (!status) return invalid("status must be one of pending, running, completed, failed, cancelled");
  out.status = *status;
  return out;
}

Result<double> progress_body_from_json(const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed.ok()) return parsed.status();
  if (Status s = refuse_unknown(parsed.value(), {"progress"}); !s.ok()) return s;
  auto it = parsed.value().find("progress");
  if (it == parsed.value().end() || !it->is_number()) return invalid("progress must be a number from 0 to 100");
  return it->get<double>();
}

Result<std::vector<std::string>> log_body_from_json(const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed.ok()) return parsed.status();
  if (Status s = refuse_unknown(parsed.value(), {"lines"}); !s.ok()) return s;
  const Status wrong = invalid("lines must be a non-empty array of strings");
  auto it = parsed.value().find("lines");
  if (it == parsed.value().end()) return wrong;
  if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};
  if (!it->is_array() || it->empty()) return wrong;
  std::vector<std::string> lines;
  lines.reserve(it->size());
  for (const auto& line : *it) {
    if (!line.is_string()) return wrong;
    lines.push_back(line.get<std::string>());
  }
  return lines;
}

Result<FileBody> file_body_from_json(const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed.ok()) return parsed.status();
  Status s = refuse_unknown(parsed.value(), {"path", "change"});
  std::optional<std::string> path, change_name;
  if (s.ok()) s = read_string(parsed.value(), "path", path);
  if (s.ok()) s = read_string(parsed.value(), "change", change_name);
  if (!s.ok()) return s;
  if (!path) return invalid("path is required");
  auto change = parse_file_change(change_name.value_or("created"));
  if (!change) return invalid("change must be created, modified or deleted");
  return FileBody{std::move(*path), *change};
}

Result<EventBody> event_body_from_json(const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed.ok()) return parsed.status();
  Status s = refuse_unknown(parsed.value(), {"type", "job", "data"});
  std::optional<std::string> type, data;
  EventBody out;
  if (s.ok()) s = read_string(parsed.value(), "type", type);
  if (s.ok()) s = read_string(parsed.value(), "job", out.job);
  if (!s.ok()) return s;
  if (!type) return invalid("type is required");
  out.type = std::move(*type);
  read_json_text(parsed.value(), "data", data);
  if (data) out.data_json = std::move(*data);
  return out;
}

}  // namespace jobwire
