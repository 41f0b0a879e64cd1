/* Three C library data symbols for jobwire's private copy of libuv (see dependencies.cmake).
 *
 * Debian's libuv_a.a is compiled as position-independent executable code, which assumes a
 * C library variable lives in the executable itself: it reads environ, stderr and
 * in6addr_any PC-relative, and a shared object (jobwire.node) cannot be linked that way.
 * The build renames those three references in its copy of the archive to the symbols
 * below, which live inside our own binary and are reached PC-relative, while this file,
 * compiled as ordinary position-independent code, reaches the C library's through the GOT.
 *
 * in6addr_any is a constant, so the copy is exact. stderr is the C library's FILE pointer,
 * which never changes. environ is read by libuv only in uv_os_environ() and in the child
 * of uv_spawn(); jobwire's HTTP engine calls neither, so the copy taken at load time is
 * never read. */
#include <netinet/in.h>
#include <stdio.h>

extern char** environ;

__attribute__((visibility("hidden"))) const struct in6_addr jobwire_uv_in6addr_any = IN6ADDR_ANY_INIT;
__attribute__((visibility("hidden"))) FILE* jobwire_uv_stderr;
__attribute__((visibility("hidden"))) char** jobwire_uv_environ;

__attribute__((constructor)) static void jobwire_uv_take_libc_symbols(void) {
  jobwire_uv_stderr = stderr;
  jobwire_uv_environ = environ;
}
