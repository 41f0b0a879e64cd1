// Where a stream starts: the cursor a client resumes from, and the hello it is greeted with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/message.h"
#include "jobwire/core.h"

namespace jobwire::http {

// The resume cursor of a stream request: Last-Event-ID (SSE), else ?after= (also
// ?lastEventId=). Absent: the stream starts at the head. Malformed: invalid_argument.
Result<std::optional<int64_t>> stream_cursor(const Request& request);

// {"type":"hello","seq":head,"oldest":oldest,"epoch":"…"}
std::string hello_json(const LogInfo& info);
// {"type":"gap"|"reset","seq":cursor}
std::string control_json(const char* type, int64_t cursor);
// A heartbeat's control message: `delayed` while the store cannot be reached (events from
// other writers wait; clients show "Delayed"), and once more, false, when it is back.
std::string heartbeat_json(int64_t cursor, bool delayed);

}  // namespace jobwire::http
