// The job a write resolves with, as JSON text for JS to JSON.parse: the values of
// job_to_json, written straight into one string. job_to_json builds an nlohmann object
// (and re-parses the stored summary and validation) for every write, which is most of a
// write's cost on the JS thread; here only JSON.parse's result matters, not the bytes.
// tests/addon/20.api.test.js holds the two equal after parsing.
#pragma once

#include <cstdint>
#include <string>

#include "jobwire/job.h"

namespace jobwire::addon {

std::string job_answer(const Job& job, int64_t now_ms);

}  // namespace jobwire::addon
