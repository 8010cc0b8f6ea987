#include "store_backends.h"

#include <unistd.h>

#include "store/postgres_connection.h"
#include "store/sqlite_connection.h"

namespace governance::testing {

std::optional<std::string> PostgresTestUrl() {
  const char* url = std::getenv("MGOV_TEST_POSTGRES_URL");
  if (url != nullptr && *url != '\0') return std::string(url);
  const char* required = std::getenv("MGOV_REQUIRE_POSTGRES");
  if (required != nullptr && std::string(required) == "1") {
    FAIL("MGOV_REQUIRE_POSTGRES=1 but MGOV_TEST_POSTGRES_URL is not set: run the tests "
         "through scripts/with-postgres.sh");
  }
  return std::nullopt;
}

std::string NewPostgresSchema(const std::string& base_url) {
  static int n = 0;
  const std::string schema =
      "mgov_test_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
  auto conn = OpenPostgresConnection(base_url);
  REQUIRE_MESSAGE(conn.ok(), conn.status().ToString());
  for (const std::string& sql : {"DROP SCHEMA IF EXISTS " + schema + " CASCADE",
                                "CREATE SCHEMA " + schema}) {
    auto r = (*conn)->Query(sql);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  // libpq URI: the server option travels percent-encoded in "options".
  return base_url + (base_url.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

std::unique_ptr<SqlConnection> OpenTestConnection(const std::string& url) {
  auto conn = url.rfind("sqlite:", 0) == 0 ? OpenSqliteConnection(url.substr(7), 10000)
                                           : OpenPostgresConnection(url);
  REQUIRE_MESSAGE(conn.ok(), conn.status().ToString());
  return std::move(*conn);
}

}  // namespace governance::testing
