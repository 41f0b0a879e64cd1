// libFuzzer: every write body's parser (model/job_json.h, model/write_json.h). The first
// byte picks the route, the rest is the body. A parser must answer a value or a refusal for
// any bytes, and what it accepts must hold the model's own invariants.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "model/job_json.h"
#include "model/validation.h"
#include "model/write_json.h"

using namespace jobwire;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void require_utf8(const std::optional<std::string>& text) { require(!text || valid_utf8(*text)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      if (auto job = new_job_from_json(body); job.ok()) {
        require(check_new_job(job.value()).ok());
        require_utf8(job->summary_json);
      }
      break;
    case 1:
      if (auto patch = job_patch_from_json(body); patch.ok()) require(check_patch(patch.value()).ok());
      break;
    case 2:
      if (auto status = status_body_from_json(body); status.ok()) require_utf8(status->error_message);
      break;
    case 3:
      if (auto percent = progress_body_from_json(body); percent.ok()) require(!std::isnan(percent.value()));
      break;
    case 4:
      if (auto lines = log_body_from_json(body); lines.ok())
        for (const std::string& line : lines.value()) require(valid_utf8(line));
      break;
    case 5:
      if (auto file = file_body_from_json(body); file.ok()) require(valid_utf8(file->path));
      break;
    case 6:
      if (auto event = event_body_from_json(body); event.ok()) require(check_json("data", event->data_json).ok());
      break;
  }
  return 0;
}
