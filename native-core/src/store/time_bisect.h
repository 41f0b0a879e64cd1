// Where a time falls in the event log, without an index on ts: writers stamp events with a
// clock that never goes back, so the log is ordered by time as well as by seq, and a
// bisection over seq costs a few primary-key lookups instead of an index entry written with
// every event. One algorithm for both stores; each brings its own probe query.
#pragma once

#include <cstdint>
#include <optional>

#include "jobwire/status.h"

namespace jobwire {

struct SeqTime {
  int64_t seq;
  int64_t ts_ms;
};

// The first seq in [from, to] stamped at or after `ms`; to + 1 when there is none.
// `probe(seq)` answers the first event at or after seq (nullopt past the end of the log):
// Result<std::optional<SeqTime>>.
template <class Probe>
Result<int64_t> first_seq_at_or_after(int64_t ms, int64_t from, int64_t to, Probe&& probe) {
  // Every seq below lo is stamped before ms; every event from hi on is stamped at or after it.
  int64_t lo = from, hi = to + 1;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    Result<std::optional<SeqTime>> found = probe(mid);
    if (!found.ok()) return found.status();
    const std::optional<SeqTime>& event = found.value();
    if (!event || event->seq >= hi || event->ts_ms >= ms) hi = mid;  // nothing between mid and seq exists
    else lo = event->seq + 1;
  }
  return lo;
}

}  // namespace jobwire
