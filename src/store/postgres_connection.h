#ifndef GOVERNANCE_SRC_STORE_POSTGRES_CONNECTION_H_
#define GOVERNANCE_SRC_STORE_POSTGRES_CONNECTION_H_

#include <memory>
#include <string>

#include "store/sql_connection.h"

namespace governance {

// Connects to PostgreSQL with a libpq connection URI ("postgresql://…").
StatusOr<std::unique_ptr<SqlConnection>> OpenPostgresConnection(const std::string& conninfo);

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_POSTGRES_CONNECTION_H_
