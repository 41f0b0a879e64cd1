#include "store/pg/pg_store.h"

#include "store/scan_limits.h"

namespace jobwire {

PgStore::PgStore(const CoreOptions& options, OnCommit on_commit)
    : on_commit_(std::move(on_commit)),
      writer_(options.store, KeyRetention{options.idempotency_key_ms, options.idempotency_key_count},
              options.postgres),
      // A reader whose connection was lost is dropped; the next read connects afresh.
      readers_([conninfo = options.store] { return PgReader::open(conninfo); }, options.postgres.readers) {}

Result<std::shared_ptr<PgStore>> PgStore::open(const CoreOptions& options, OnCommit on_commit) {
  if (options.postgres.readers < 1) return Status{Code::invalid_argument, "postgres.readers must be at least 1"};
  if (options.postgres.catch_up_ms < 1) return Status{Code::invalid_argument, "postgres.catch_up_ms must be positive"};
  std::shared_ptr<PgStore> store(new PgStore(options, std::move(on_commit)));
  // Opening fails when the database cannot be reached: a process does not start against a
  // store it has never seen. Once open, losing it is survived (writes answer `unavailable`).
  if (Status s = store->writer_.open(); !s.ok()) return s;
  store->epoch_ = store->writer_.epoch();
  store->head_seq_ = store->writer_.head_seq();
  store->pruned_through_ = store->writer_.pruned_through();
  PgStore* self = store.get();
  store->commit_ = std::make_unique<GroupCommit>(
      store->writer_, store->writer_turn_, options.max_group,
      RetentionPolicy{options.retention_events, options.retention_ms},
      [self](const std::vector<EventPtr>& events) { self->publish(events, /*from_log=*/false); },
      [self](int64_t pruned_through) { self->advance_pruned_through(pruned_through); },
      [] {});
  store->follower_ = std::make_unique<PgFollower>(
      options.store, options.postgres,
      PgFollower::Hooks{[self] { return self->head_seq(); },
                        [self](const std::vector<EventPtr>& events) { self->publish(events, /*from_log=*/true); },
                        [self](int64_t pruned_through) { self->advance_pruned_through(pruned_through); },
                        [self](bool reachable) { self->reachable_.store(reachable, std::memory_order_relaxed); }});
  store->follower_->start();
  return store;
}

PgStore::~PgStore() { close(); }

void PgStore::publish(const std::vector<EventPtr>& events, bool from_log) {
  std::lock_guard lock(publish_mu_);
  int64_t next = head_seq_.load(std::memory_order_relaxed) + 1;
  size_t first = 0;
  while (first < events.size() && events[first]->seq < next) ++first;  // published already
  if (first == events.size()) return;
  // Seqs are dense, so a hole in what the log gives is only retention's; a hole in front of
  // a group of this process's writer means another process's events come first: the
  // follower will read them, and these after them.
  if (events[first]->seq != next && !from_log) return;
  std::vector<EventPtr> fresh(events.begin() + static_cast<std::ptrdiff_t>(first), events.end());
  head_seq_.store(fresh.back()->seq, std::memory_order_release);
  on_commit_(fresh);
}

void PgStore::advance_pruned_through(int64_t pruned_through) {
  int64_t known = pruned_through_.load(std::memory_order_relaxed);
  while (known < pruned_through &&
         !pruned_through_.compare_exchange_weak(known, pruned_through, std::memory_order_release, std::memory_order_relaxed)) {
  }
}

void PgStore::submit(WriteRequest request) { commit_->submit(std::move(request)); }

Status PgStore::with_reader(const std::function<void(StoreReader&)>& use) { return readers_.with_reader(use); }

Result<EventPage> PgStore::read_log(int64_t after, size_t limit, const EventFilter& filter, int64_t below) {
  return read([&](StoreReader& reader) { return reader.read_events(after, limit, filter, below, kFilteredScanRows); });
}

void PgStore::close() {
  if (closed_.exchange(true)) return;
  if (commit_) commit_->close();
  if (follower_) follower_->stop();
  readers_.close();
}

}  // namespace jobwire
