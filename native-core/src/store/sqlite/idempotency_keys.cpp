#include "store/sqlite/idempotency_keys.h"

#include "store/sqlite/job_rows.h"
#include "store/stored_key.h"

namespace jobwire {

Status IdempotencyKeys::prepare(sqlite3* db, KeyRetention retention) {
  retention_ = retention;
  select_ = Statement(db,
                      "SELECT " JOBWIRE_EVENT_COLUMNS ", fingerprint, created_at, job_snapshot "
                      "FROM idempotency_keys WHERE key = ?1");
  // REPLACE: a key past keep_ms is still in the table until it is forgotten; using it again
  // starts it over.
  insert_ = Statement(db,
                      "INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, created_at, job_snapshot, seq, type, ts, "
                      "job, project, tree_path, envelope) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  // Rowids grow with each insert, so the oldest keys have the smallest.
  forget_beyond_count_ = Statement(db,
                                   "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys "
                                   "WHERE rowid <= (SELECT max(rowid) FROM idempotency_keys) - ?1 ORDER BY rowid "
                                   "LIMIT ?2)");
  forget_older_than_ = Statement(db,
                                 "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys "
                                 "WHERE created_at < ?1 LIMIT ?2)");
  for (Statement* stmt : {&select_, &insert_, &forget_beyond_count_, &forget_older_than_})
    if (!stmt->valid()) return stmt->status();
  return Status::Ok();
}

Result<std::optional<Committed>> IdempotencyKeys::find(const WriteKey& key, int64_t now) {
  select_.bind(1, std::string_view(key.key));
  if (!select_.step()) {
    Status s = select_.status();
    select_.reset();
    if (!s.ok()) return s;
    return std::optional<Committed>();
  }
  StoredKey stored;
  stored.event = event_from_row(select_);
  stored.fingerprint = select_.text(7);
  stored.created_at = select_.int64(8);
  stored.job_snapshot = select_.optional_text(9);
  select_.reset();
  return answer_from_stored_key(key, std::move(stored), now, retention_.keep_ms);
}

Status IdempotencyKeys::remember(const WriteKey& key, const Committed& committed, int64_t now) {
  const Event& event = *committed.event;
  std::optional<std::string> job = job_snapshot_of(committed);
  insert_.bind(1, std::string_view(key.key))
      .bind(2, std::string_view(key.fingerprint))
      .bind(3, now)
      .bind(4, job)
      .bind(5, event.seq)
      .bind(6, std::string_view(event.type))
      .bind(7, event.ts_ms)
      .bind(8, std::string_view(event.job))
      .bind(9, std::string_view(event.project))
      .bind(10, std::string_view(event.tree_path))
      .bind(11, std::string_view(event.json));
  Status s = insert_.run();
  if (s.ok()) s = forget_beyond_count_.bind(1, retention_.keep_count).bind(2, kKeysForgottenPerWrite).run();
  if (s.ok()) s = forget_older_than_.bind(1, now - retention_.keep_ms).bind(2, kKeysForgottenPerWrite).run();
  return s;
}

}  // namespace jobwire
