#include "store/pg/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace jobwire {

Result<std::shared_ptr<Store>> open_store(const CoreOptions& options, Store::OnCommit on_commit) {
  if (names_postgres(options.store)) {
    auto store = PgStore::open(options, std::move(on_commit));
    if (!store.ok()) return store.status();
    return std::shared_ptr<Store>(std::move(store).value());
  }
  auto store = SqliteStore::open(options, std::move(on_commit));
  if (!store.ok()) return store.status();
  return std::shared_ptr<Store>(std::move(store).value());
}

}  // namespace jobwire
