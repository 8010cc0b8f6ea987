// OpenStore: the one place a store URL picks a backend.
#include "governance/store.h"

#include <algorithm>

#include "store/postgres_connection.h"
#include "store/sql_store.h"
#include "store/sqlite_connection.h"

namespace governance {
namespace {

// `url` as it may be shown (errors, reports): the password of a PostgreSQL
// URL, in its user info or as a password= parameter, becomes "***".
std::string WithoutPassword(std::string_view url) {
  std::string out(url);
  const size_t authority = out.find("://");
  if (authority != std::string::npos) {
    const size_t start = authority + 3;
    const size_t end = std::min(out.find_first_of("/?", start), out.size());
    const size_t at = out.rfind('@', end == 0 ? 0 : end - 1);
    if (at != std::string::npos && at >= start) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t pos = out.find('?'); pos != std::string::npos && pos < out.size();) {
    const size_t next = out.find('&', pos + 1);
    const size_t key = pos + 1;
    if (out.compare(key, 9, "password=") == 0) {
      const size_t value = key + 9;
      out.replace(value, (next == std::string::npos ? out.size() : next) - value, "***");
    }
    pos = out.find('&', pos + 1);
  }
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url, StoreOptions options) {
  if (url == "memory:") return NewMemoryStore(std::move(options));
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    std::string conninfo(url);
    GOV_ASSIGN_OR_RETURN(auto store,
                         SqlStore::Open(WithoutPassword(url),
                                        [conninfo] { return OpenPostgresConnection(conninfo); },
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
