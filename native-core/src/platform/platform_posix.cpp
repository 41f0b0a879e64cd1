#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "platform/platform.h"

namespace jobwire::platform {

void name_this_thread(const char* name) noexcept { pthread_setname_np(pthread_self(), name); }

void ignore_sigpipe_unless_handled() noexcept {
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) signal(SIGPIPE, SIG_IGN);
}

void ignore_sigxfsz_unless_handled() noexcept {
  struct sigaction current {};
  if (sigaction(SIGXFSZ, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) signal(SIGXFSZ, SIG_IGN);
}

std::string file_size_limit_reached(const std::vector<std::string>& paths) {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return {};
  // More than any single write of SQLite's (a WAL frame: a page of at most 64 KiB, and its
  // header), so a file this close to the limit is one that a write could not grow.
  constexpr off_t kMargin = 128 * 1024;
  for (const std::string& path : paths) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || static_cast<rlim_t>(info.st_size + kMargin) < limit.rlim_cur) continue;
    return path.substr(path.rfind('/') + 1) + " may not grow past " + std::to_string(limit.rlim_cur) +
           " bytes (the process's file size limit)";
  }
  return {};
}

Result<int> lock_file(const std::string& path) {
  // flock and SQLite's fcntl locks do not interact on Linux: a lock on the database file
  // itself leaves SQLite's locking alone.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status{Code::io_error, "open " + path + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return Status{Code::unavailable, path + " is locked by another holder"};
    return Status{Code::io_error, "lock " + path + ": " + std::strerror(error)};
  }
  return fd;
}

void unlock_file(int handle) noexcept {
  if (handle >= 0) ::close(handle);
}

namespace {

sigset_t stop_signal_set() noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_stop_signals() noexcept {
  sigset_t set = stop_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

const char* wait_for_stop_signal() noexcept {
  sigset_t set = stop_signal_set();
  int number = 0;
  sigwait(&set, &number);
  return number == SIGINT ? "SIGINT" : "SIGTERM";
}

void release_free_memory() noexcept {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

Result<void*> load_library(const char* name) {
  // RTLD_LOCAL: the library's symbols stay out of the global namespace, where they could
  // bind another copy of the same library loaded by the host (Node, Electron).
  void* handle = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return Status{Code::unavailable, std::string("cannot load ") + name + ": " + (why ? why : "unknown reason")};
  }
  return handle;
}

void* library_symbol(void* library, const char* symbol) noexcept { return ::dlsym(library, symbol); }

int duplicate_socket(int socket) noexcept { return ::fcntl(socket, F_DUPFD_CLOEXEC, 0); }

void close_socket(int socket) noexcept { ::close(socket); }

Result<bool> wait_readable(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  int ready = ::poll(&entry, 1, timeout_ms);
  if (ready < 0) {
    if (errno == EINTR) return false;
    return Status{Code::io_error, std::string("poll: ") + std::strerror(errno)};
  }
  return ready > 0;
}

}  // namespace jobwire::platform
