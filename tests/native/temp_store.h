// A fresh SQLite file in its own temporary folder, removed when the test ends.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

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
  options.path = path;
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

}  // namespace jobwire_test
