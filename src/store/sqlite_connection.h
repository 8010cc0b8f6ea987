#ifndef GOVERNANCE_SRC_STORE_SQLITE_CONNECTION_H_
#define GOVERNANCE_SRC_STORE_SQLITE_CONNECTION_H_

#include <memory>
#include <string>

#include "store/sql_connection.h"

namespace governance {

// Opens (creating if needed) the SQLite database at `path` in WAL mode with
// the given busy timeout. The parent directory must exist.
StatusOr<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const std::string& path,
                                                              int busy_timeout_ms);

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_SQLITE_CONNECTION_H_
