// A fresh SQLite file in its own temporary folder, removed when the test ends.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "jobwire/core.h"

namespace jobwire_test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "jobwire-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::shared_ptr<jobwire::Core> open_core(const std::string& path, jobwire::CoreOptions options = {}) {
  options.store = path;
  auto core = jobwire::Core::open(options);
  INFO(core.status().message());
  REQUIRE(core.ok());
  return core.value();
}

inline jobwire::NewJob new_job(std::string type = "build", std::optional<std::string> parent = std::nullopt) {
  jobwire::NewJob job;
  job.type = std::move(type);
  job.parent = std::move(parent);
  return job;
}

// Creates a job and returns its id, failing the test if the core refuses.
inline std::string create(jobwire::Core& core, jobwire::NewJob job = new_job()) {
  auto created = core.create_job(std::move(job));
  INFO(created.status().message());
  REQUIRE(created.ok());
  return created.value().job->id;
}

// A job already moved to running, as most producer scenarios start.
inline std::string running_job(jobwire::Core& core) {
  std::string id = create(core);
  REQUIRE(core.set_status(id, jobwire::JobStatus::running).ok());
  return id;
}

// Keeps writing progress on `id` until retention has pruned the start of the log, then
// until the start stops moving: retention runs on the writer after a group, at most every
// 100 ms, so it can trail the last acknowledged write.
inline jobwire::LogInfo write_until_pruned(jobwire::Core& core, const std::string& id) {
  for (int attempt = 0; attempt < 200 && core.log_info().oldest_seq == 1; ++attempt) {
    REQUIRE(core.set_progress(id, attempt % 100).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  jobwire::LogInfo info = core.log_info();
  for (int settle = 0; settle < 50; ++settle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    jobwire::LogInfo again = core.log_info();
    if (again.oldest_seq == info.oldest_seq) break;
    info = again;
  }
  REQUIRE(info.oldest_seq > 1);
  return info;
}

}  // namespace jobwire_test
