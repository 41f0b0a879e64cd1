/* An LD_PRELOAD shim that moves the wall clock without privileges, for
 * tests/reliability/clock-jump.test.js. CLOCK_REALTIME (clock_gettime, gettimeofday, time)
 * is offset by the number of milliseconds written in the file named by
 * JOBWIRE_CLOCK_OFFSET_FILE, read again at most every 10 ms of monotonic time. The
 * monotonic clocks are left alone, as a real clock step leaves them.
 *   cc -shared -fPIC -O2 -o clock_shim.so clock_shim.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static _Atomic long long offset_ms;
static _Atomic long long read_at_ns = -1;

static long long monotonic_ns(void) {
  struct timespec ts;
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long current_offset_ms(void) {
  long long now = monotonic_ns();
  long long last = atomic_load(&read_at_ns);
  if (last < 0 || now - last > 10000000LL) {
    atomic_store(&read_at_ns, now);
    const char* path = getenv("JOBWIRE_CLOCK_OFFSET_FILE");
    FILE* f = path ? fopen(path, "re") : NULL;
    if (f) {
      long long value = 0;
      if (fscanf(f, "%lld", &value) == 1) atomic_store(&offset_ms, value);
      fclose(f);
    }
  }
  return atomic_load(&offset_ms);
}

static void shift(struct timespec* ts, long long ms) {
  long long ns = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + ms * 1000000LL;
  ts->tv_sec = (time_t)(ns / 1000000000LL);
  ts->tv_nsec = (long)(ns % 1000000000LL);
}

int clock_gettime(clockid_t clock, struct timespec* ts) {
  static int (*real)(clockid_t, struct timespec*);
  if (!real) real = (int (*)(clockid_t, struct timespec*))dlsym(RTLD_NEXT, "clock_gettime");
  int rc = real(clock, ts);
  if (rc == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) shift(ts, current_offset_ms());
  return rc;
}

int gettimeofday(struct timeval* tv, void* tz) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
  struct timeval* volatile out = tv; /* glibc declares it nonnull; callers may still pass NULL */
  if (out) {
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
  }
  (void)tz;
  return 0;
}

time_t time(time_t* out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}
