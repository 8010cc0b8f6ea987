#include "store_backends.h"

#include "store/postgres_connection.h"

namespace governance::testing {

void ResetPostgres(const std::string& url) {
  auto conn = OpenPostgresConnection(url);
  REQUIRE_MESSAGE(conn.ok(), conn.status().ToString());
  for (const char* table : {"approval_signatures", "approvals", "keys", "training_outputs",
                            "revocations", "deployments", "settings", "ledger",
                            "schema_version"}) {
    REQUIRE((*conn)->Query(std::string("DROP TABLE IF EXISTS ") + table + " CASCADE").ok());
  }
}

}  // namespace governance::testing
