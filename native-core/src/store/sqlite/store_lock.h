// One Core per store file: an exclusive flock on the file, held from open to close, so a
// second open (in this process or another) is refused instead of writing over the first.
#pragma once

#include <string>

#include "jobwire/status.h"

namespace jobwire {

class StoreLock {
 public:
  StoreLock() = default;
  ~StoreLock() { release(); }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  Status acquire(const std::string& path);
  void release();

 private:
  int fd_ = -1;
};

}  // namespace jobwire
