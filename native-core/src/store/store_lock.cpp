#include "store/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jobwire {

Status StoreLock::acquire(const std::string& path) {
  // flock and SQLite's own fcntl locks do not interact on Linux, so this lock on the
  // database file itself guards the store without touching SQLite's locking.
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return {Code::io_error, "open " + path + ": " + std::strerror(errno)};
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    release();
    if (error == EWOULDBLOCK)
      return {Code::unavailable, path + " is already open by another jobwire core (in this process or another)"};
    return {Code::io_error, "lock " + path + ": " + std::strerror(error)};
  }
  return Status::Ok();
}

void StoreLock::release() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace jobwire
