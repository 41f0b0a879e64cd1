#include "store/sqlite/store_lock.h"

#include "platform/platform.h"

namespace jobwire {

Status StoreLock::acquire(const std::string& path) {
  auto handle = platform::lock_file(path);
  if (!handle.ok()) {
    if (handle.status().code() == Code::unavailable)
      return {Code::unavailable, path + " is already open by another jobwire core (in this process or another)"};
    return handle.status();
  }
  fd_ = handle.value();
  return Status::Ok();
}

void StoreLock::release() {
  platform::unlock_file(fd_);
  fd_ = -1;
}

}  // namespace jobwire
