#include "job_answer.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "jobwire/event.h"

namespace jobwire::addon {
namespace {

// Strings reach the store validated as UTF-8, so only JSON's own escapes are needed.
void put_string(std::string& out, std::string_view text) {
  static const char* const kHex = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

void put_optional(std::string& out, const std::optional<std::string>& text) {
  if (text) put_string(out, *text);
  else out += "null";
}

// The shortest text that parses back to the same double (values are finite: validated).
void put_number(std::string& out, double value) {
  char text[32];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

void put_integer(std::string& out, int64_t value) {
  char text[24];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

void put_time(std::string& out, int64_t ms) {
  if (ms != 0) put_string(out, iso_time(ms));
  else out += "null";
}

}  // namespace

std::string job_answer(const Job& job, int64_t now_ms) {
  std::string out;
  out.reserve(512 + job.summary_json.size() + job.validation_json.size());
  out += "{\"id\":";
  put_string(out, job.id);
  out += ",\"type\":";
  put_string(out, job.type);
  out += ",\"project\":";
  put_string(out, job.project);
  out += ",\"parent\":";
  put_optional(out, job.parent);
  out += ",\"priority\":";
  put_integer(out, job.priority);
  out += ",\"status\":";
  put_string(out, job_status_name(job.status));
  out += ",\"progress_percent\":";
  put_number(out, job.progress_percent);
  out += ",\"created_at\":";
  put_time(out, job.created_at_ms);
  out += ",\"started_at\":";
  put_time(out, job.started_at_ms);
  out += ",\"completed_at\":";
  put_time(out, job.completed_at_ms);
  out += ",\"duration_seconds\":";
  if (auto seconds = job.duration_seconds(now_ms)) put_number(out, *seconds);
  else out += "null";
  out += ",\"error_message\":";
  put_optional(out, job.error_message);
  out += ",\"file_path\":";
  put_optional(out, job.file_path);
  out += ",\"policy_name\":";
  put_optional(out, job.policy_name);
  out += ",\"output_path\":";
  put_optional(out, job.output_path);
  // Stored already as validated JSON text: embedded as it is.
  out += ",\"summary\":";
  out += job.summary_json;
  out += ",\"validation\":";
  out += job.validation_json;
  out += ",\"has_logs\":";
  out += job.has_logs() ? "true" : "false";
  out += ",\"log_lines\":";
  put_integer(out, job.log_lines);
  out += ",\"updated_seq\":";
  put_integer(out, job.updated_seq);
  out += '}';
  return out;
}

}  // namespace jobwire::addon
