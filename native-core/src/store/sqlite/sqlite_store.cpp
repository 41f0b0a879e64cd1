#include "store/sqlite/sqlite_store.h"

#include "store/scan_limits.h"

namespace jobwire {

namespace {
constexpr size_t kMaxPooledReaders = 16;
constexpr int kCheckpointEveryMs = 200;
}  // namespace

Result<std::shared_ptr<SqliteStore>> SqliteStore::open(const CoreOptions& options, OnCommit on_commit) {
  std::shared_ptr<SqliteStore> store(new SqliteStore());
  const SqliteOptions& sqlite = options.sqlite;
  if (sqlite.wal_restart_bytes <= 0) return Status{Code::invalid_argument, "wal_restart_bytes must be positive"};
  if (sqlite.wal_limit_bytes < sqlite.wal_restart_bytes)
    return Status{Code::invalid_argument, "wal_limit_bytes must not be below wal_restart_bytes"};
  Status s = store->lock_.acquire(options.store);
  if (s.ok()) s = store->writer_.open(options.store, sqlite.durability,
                                     KeyRetention{options.idempotency_key_ms, options.idempotency_key_count});
  if (s.ok()) s = store->checkpointer_.start(options.store, kCheckpointEveryMs, sqlite.wal_restart_bytes,
                                             sqlite.wal_limit_bytes, store->writer_turn_);
  if (!s.ok()) return s;
  store->epoch_ = store->writer_.epoch();
  store->head_seq_ = store->writer_.head_seq();
  SqliteStore* self = store.get();
  store->commit_ = std::make_unique<GroupCommit>(
      store->writer_, store->writer_turn_, options.max_group,
      RetentionPolicy{options.retention_events, options.retention_ms},
      [self, on_commit = std::move(on_commit)](const std::vector<EventPtr>& events) {
        if (!events.empty()) self->head_seq_.store(events.back()->seq, std::memory_order_release);
        on_commit(events);
      },
      [self](int64_t pruned_through) { self->pruned_through_.store(pruned_through, std::memory_order_release); },
      [self] { self->checkpointer_.wait_if_over_limit(self->writer_.wal_frames()); });
  store->pruned_through_ = store->writer_.pruned_through();
  store->readers_ = std::make_unique<ReaderPool<SqliteReader>>(
      [path = options.store]() -> Result<std::unique_ptr<SqliteReader>> {
        auto reader = std::make_unique<SqliteReader>();
        if (Status opened = reader->open(path); !opened.ok()) return opened;
        return reader;
      },
      kMaxPooledReaders);
  return store;
}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::submit(WriteRequest request) { commit_->submit(std::move(request)); }

void SqliteStore::close() {
  if (closed_.exchange(true)) return;
  if (commit_) commit_->close();
  checkpointer_.stop();
  if (readers_) readers_->close();
  lock_.release();
}

Status SqliteStore::with_reader(const std::function<void(StoreReader&)>& use) {
  return readers_->with_reader(use);
}

Result<EventPage> SqliteStore::read_log(int64_t after, size_t limit, const EventFilter& filter, int64_t below) {
  return read([&](StoreReader& reader) { return reader.read_events(after, limit, filter, below, kFilteredScanRows); });
}

int64_t SqliteStore::oldest_seq() const { return pruned_through_.load(std::memory_order_acquire) + 1; }

}  // namespace jobwire
