// Input checks for every write. Each returns invalid_argument with a message naming the
// field, before anything is written.
#pragma once

#include <string>
#include <vector>

#include "jobwire/job.h"
#include "jobwire/status.h"

namespace jobwire {

namespace limits {
inline constexpr size_t kIdLength = 128;          // id, type, project, x.* type
inline constexpr size_t kTextLength = 4096;       // paths, policy name
inline constexpr size_t kMessageLength = 65536;   // error message, one log line
inline constexpr size_t kJsonBytes = 256 * 1024;  // summary, validation, x.* data
inline constexpr size_t kLinesPerAppend = 10'000;
inline constexpr size_t kIdempotencyKeyLength = 200;  // bytes
}  // namespace limits

bool valid_utf8(const std::string& text) noexcept;

// Letters, digits and . _ : - ; 1..kIdLength characters.
Status check_name(const char* field, const std::string& value);
Status check_text(const char* field, const std::string& value, size_t max_length);
// Any JSON value, at most kJsonBytes.
Status check_json(const char* field, const std::string& value);

Status check_new_job(const NewJob& job);
Status check_patch(const JobPatch& patch);
Status check_progress(double percent);
Status check_log_lines(const std::vector<std::string>& lines);
Status check_custom_event_type(const std::string& type);
// 1..kIdempotencyKeyLength bytes of UTF-8 without control characters (it may come from a header).
Status check_idempotency_key(const std::string& key);

}  // namespace jobwire
