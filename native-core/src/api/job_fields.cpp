#include "api/job_fields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace jobwire::api {
namespace {

constexpr std::array<std::string_view, 5> kFields = {"id", "status", "progress_percent", "updated_seq", "log_lines"};

}  // namespace

Result<std::vector<std::string>> job_fields_param(const Query& query) {
  auto text = param(query, "fields");
  if (!text) return std::vector<std::string>();
  std::vector<std::string> fields = comma_list(*text);
  if (fields.empty()) return Status(Code::invalid_argument, "fields must name at least one field");
  for (const std::string& field : fields) {
    if (std::find(kFields.begin(), kFields.end(), field) == kFields.end())
      return Status(Code::invalid_argument,
                    "unknown field in fields: " + field + " (allowed: status, progress_percent, updated_seq, log_lines)");
  }
  return fields;
}

std::string job_fields_json(const Job& job, const std::vector<std::string>& fields) {
  // Ordered, so the id leads and the fields follow in the order asked.
  nlohmann::ordered_json out = {{"id", job.id}};
  for (const std::string& field : fields) {
    if (field == "status") out["status"] = job_status_name(job.status);
    else if (field == "progress_percent") out["progress_percent"] = job.progress_percent;
    else if (field == "updated_seq") out["updated_seq"] = job.updated_seq;
    else if (field == "log_lines") out["log_lines"] = job.log_lines;
  }
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace jobwire::api
