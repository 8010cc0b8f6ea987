// OpenStore: the one place a store URL picks a backend.
#include "governance/store.h"
#include "store/postgres_connection.h"
#include "store/sql_store.h"
#include "store/sqlite_connection.h"

namespace governance {

StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url, StoreOptions options) {
  if (url == "memory:") return NewMemoryStore(std::move(options));
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    std::string conninfo(url);
    GOV_ASSIGN_OR_RETURN(auto store,
                         SqlStore::Open(conninfo, [conninfo] { return OpenPostgresConnection(conninfo); },
                                        std::move(options)));
    return std::unique_ptr<Store>(std::move(store));
  }
  std::string path(url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url);
  if (path.empty()) return InvalidArgumentError("empty SQLite store path in \"" + std::string(url) + "\"");
  int timeout = options.busy_timeout_ms;
  GOV_ASSIGN_OR_RETURN(auto store,
                       SqlStore::Open("sqlite:" + path,
                                      [path, timeout] { return OpenSqliteConnection(path, timeout); },
                                      std::move(options)));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace governance
