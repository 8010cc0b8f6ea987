// The backends every store test runs against. PostgreSQL joins when
// MGOV_TEST_POSTGRES_URL names a database; scripts/with-postgres.sh starts a
// throw-away server, sets it, and sets MGOV_REQUIRE_POSTGRES=1 so that a
// missing URL fails the tests instead of quietly skipping PostgreSQL.
#ifndef GOVERNANCE_TESTS_STORE_STORE_BACKENDS_H_
#define GOVERNANCE_TESTS_STORE_STORE_BACKENDS_H_

#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "governance/store.h"
#include "store/sql_connection.h"
#include "test_util.h"

namespace governance::testing {

// Deterministic ledger key so that tests can also check signatures.
inline PrivateKey TestLedgerKey() {
  return *PrivateKey::FromSeed(std::string(32, '\x07'));
}

struct Backend {
  std::string name;
  // Opens a fresh, migrated, empty store.
  std::function<std::unique_ptr<Store>(StoreOptions)> open;
};

// MGOV_TEST_POSTGRES_URL, or nullopt when unset. Fails the calling test when
// MGOV_REQUIRE_POSTGRES=1 but the URL is missing.
std::optional<std::string> PostgresTestUrl();

// Creates an empty schema of its own in the database at `base_url` (dropping
// a leftover of the same name) and returns a URL whose connections use it,
// so that tests running at the same time never see each other's tables.
std::string NewPostgresSchema(const std::string& base_url);

// A raw connection to the database behind a store URL ("sqlite:PATH" or
// "postgresql://…"), for tests that look under the Store interface.
std::unique_ptr<SqlConnection> OpenTestConnection(const std::string& url);

inline std::vector<Backend> AllBackends(TempDir& dir) {
  std::vector<Backend> out;
  out.push_back({"memory", [](StoreOptions o) { return NewMemoryStore(std::move(o)); }});
  out.push_back({"sqlite", [&dir](StoreOptions o) {
                   static int n = 0;
                   auto s = OpenStore("sqlite:" + dir / ("s" + std::to_string(++n) + ".db"),
                                      std::move(o));
                   REQUIRE(s.ok());
                   REQUIRE((*s)->Migrate().ok());
                   return std::move(*s);
                 }});
  if (std::optional<std::string> pg = PostgresTestUrl()) {
    std::string base = *pg;
    out.push_back({"postgresql", [base](StoreOptions o) {
                     auto s = OpenStore(NewPostgresSchema(base), std::move(o));
                     REQUIRE_MESSAGE(s.ok(), s.status().ToString());
                     REQUIRE((*s)->Migrate().ok());
                     return std::move(*s);
                   }});
  }
  return out;
}

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_STORE_STORE_BACKENDS_H_
