// The operating-system calls of the core, jobwired and the HTTP path, in one place (libuv
// keeps its own in src/unix the same way): a port to macOS or Windows for Electron apps
// replaces this folder's .cpp and nothing else.
#pragma once

#include <string>
#include <vector>

#include "jobwire/status.h"

namespace jobwire::platform {

// Names the calling thread, for debuggers and top (at most 15 characters are kept).
void name_this_thread(const char* name) noexcept;

// A write to a socket its peer has closed must fail with EPIPE, not end the process. Sets
// that up unless the process already chose what SIGPIPE does (Node and Electron have).
void ignore_sigpipe_unless_handled() noexcept;

// A write past the process's file size limit (RLIMIT_FSIZE) must fail with EFBIG, which
// SQLite reports like a full disk, not end the process with SIGXFSZ. Sets that up unless the
// process already chose what SIGXFSZ does.
void ignore_sigxfsz_unless_handled() noexcept;

// When a write to one of `paths` failed with an I/O error: whether the process's file size
// limit (RLIMIT_FSIZE) is why, said in words ("FILE may not grow past N bytes", the file's name
// without its directory, since a client may read it); empty when it is not. SQLite reports a
// write refused for that limit as a plain I/O error, and by then errno is gone, so the sizes
// are compared with the limit instead. (ENOSPC, a full disk, SQLite reports as SQLITE_FULL.)
std::string file_size_limit_reached(const std::vector<std::string>& paths);

// An exclusive lock on the file at `path` (created when missing), held until
// unlock_file(handle): a handle, `unavailable` when another holder has it, else io_error.
// It does not interact with SQLite's own locks on the same file.
Result<int> lock_file(const std::string& path);
void unlock_file(int handle) noexcept;

// Hands freed heap memory back to the operating system where the allocator keeps it
// (glibc keeps freed pages in its arenas: a burst of dropped streams would otherwise stay
// in RSS). Costs a walk of the heap: call it after such a burst, not per request.
void release_free_memory() noexcept;

// jobwired's stop signals (SIGINT, SIGTERM). block_stop_signals() keeps them from every
// thread started after it (call it before any), and wait_for_stop_signal() then takes the
// first one on the calling thread and returns its name.
void block_stop_signals() noexcept;
const char* wait_for_stop_signal() noexcept;

// A shared library loaded at run time, for a dependency that only some deployments use
// (libpq: the PostgreSQL store), so the binaries start on machines without it. A handle,
// or `unavailable` with the loader's reason; the library stays loaded for the process.
Result<void*> load_library(const char* name);
// The address of `symbol` in a library from load_library, or nullptr when it has none.
void* library_symbol(void* library, const char* symbol) noexcept;

// A second descriptor for `socket`, close-on-exec, or -1. A socket accepted on one libuv loop
// moves to another this way: the handle that accepted it closes its own descriptor.
int duplicate_socket(int socket) noexcept;
void close_socket(int socket) noexcept;

// Waits until `fd` can be read from (true) or `timeout_ms` passes (false); io_error if the
// wait itself fails. An interrupted wait counts as a timeout: the caller loops anyway.
Result<bool> wait_readable(int fd, int timeout_ms);

}  // namespace jobwire::platform
