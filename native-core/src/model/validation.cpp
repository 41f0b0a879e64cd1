#include "model/validation.h"

#include <cmath>

#include "jobwire/event.h"
#include "model/json_util.h"

namespace jobwire {

static Status invalid(std::string message) { return {Code::invalid_argument, std::move(message)}; }

bool valid_utf8(const std::string& text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 4;
    if (extra == 4 || static_cast<size_t>(end - p) <= extra) return extra == 0;
    uint32_t code = extra == 0 ? c : c & (0x3F >> extra);
    for (size_t i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    static constexpr uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return false;
    p += extra + 1;
  }
  return true;
}

Status check_name(const char* field, const std::string& value) {
  if (value.empty()) return invalid(std::string(field) + " must not be empty");
  if (value.size() > limits::kIdLength)
    return invalid(std::string(field) + " is longer than " + std::to_string(limits::kIdLength) + " characters");
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-';
    if (!ok) return invalid(std::string(field) + " may hold only letters, digits and . _ : -");
  }
  return Status::Ok();
}

Status check_text(const char* field, const std::string& value, size_t max_length) {
  if (value.size() > max_length)
    return invalid(std::string(field) + " is longer than " + std::to_string(max_length) + " bytes");
  if (!valid_utf8(value)) return invalid(std::string(field) + " is not valid UTF-8");
  return Status::Ok();
}

Status check_idempotency_key(const std::string& key) {
  if (key.empty()) return invalid("the idempotency key must not be empty");
  if (Status s = check_text("the idempotency key", key, limits::kIdempotencyKeyLength); !s.ok()) return s;
  for (unsigned char c : key)
    if (c < 0x20 || c == 0x7f) return invalid("the idempotency key must not hold control characters");
  return Status::Ok();
}

Status check_json(const char* field, const std::string& value) {
  if (value.size() > limits::kJsonBytes)
    return invalid(std::string(field) + " is larger than " + std::to_string(limits::kJsonBytes) + " bytes");
  if (!valid_utf8(value)) return invalid(std::string(field) + " is not valid UTF-8");
  if (!json::accept(value)) return invalid(std::string(field) + " is not valid JSON");  // no tree built
  return Status::Ok();
}

static Status check_optional_text(const char* field, const std::optional<std::string>& value, size_t max) {
  return value ? check_text(field, *value, max) : Status::Ok();
}

Status check_new_job(const NewJob& job) {
  Status s;
  if (job.id && !(s = check_name("id", *job.id)).ok()) return s;
  if (!(s = check_name("type", job.type)).ok()) return s;
  if (!(s = check_name("project", job.project)).ok()) return s;
  if (job.parent && !(s = check_name("parent", *job.parent)).ok()) return s;
  if (!(s = check_optional_text("file_path", job.file_path, limits::kTextLength)).ok()) return s;
  if (!(s = check_optional_text("policy_name", job.policy_name, limits::kTextLength)).ok()) return s;
  if (!(s = check_optional_text("output_path", job.output_path, limits::kTextLength)).ok()) return s;
  if (job.summary_json && !(s = check_json("summary", *job.summary_json)).ok()) return s;
  return Status::Ok();
}

Status check_patch(const JobPatch& patch) {
  Status s;
  if (patch.summary_json && !(s = check_json("summary", *patch.summary_json)).ok()) return s;
  if (patch.validation_json && !(s = check_json("validation", *patch.validation_json)).ok()) return s;
  if (!(s = check_optional_text("error_message", patch.error_message, limits::kMessageLength)).ok()) return s;
  if (!(s = check_optional_text("output_path", patch.output_path, limits::kTextLength)).ok()) return s;
  if (!(s = check_optional_text("file_path", patch.file_path, limits::kTextLength)).ok()) return s;
  if (!(s = check_optional_text("policy_name", patch.policy_name, limits::kTextLength)).ok()) return s;
  if (!patch.summary_json && !patch.validation_json && !patch.error_message && !patch.output_path &&
      !patch.file_path && !patch.policy_name && !patch.priority)
    return invalid("the update changes no field");
  return Status::Ok();
}

Status check_progress(double percent) {
  if (!std::isfinite(percent) || percent < 0 || percent > 100)
    return invalid("progress must be a number from 0 to 100");
  return Status::Ok();
}

Status check_log_lines(const std::vector<std::string>& lines) {
  if (lines.empty()) return invalid("lines must hold at least one line");
  if (lines.size() > limits::kLinesPerAppend)
    return invalid("at most " + std::to_string(limits::kLinesPerAppend) + " lines per append");
  for (const auto& line : lines) {
    Status s = check_text("a log line", line, limits::kMessageLength);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status check_custom_event_type(const std::string& type) {
  if (!event_types::is_custom(type) || type.size() < 3)
    return invalid("a custom event type must start with \"x.\" (e.g. x.heartbeat)");
  return check_name("type", type);
}

}  // namespace jobwire
