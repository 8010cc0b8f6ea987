// The backends every store test runs against. PostgreSQL joins when
// MGOV_TEST_POSTGRES_URL names a database (the test command always sets it).
#ifndef GOVERNANCE_TESTS_STORE_STORE_BACKENDS_H_
#define GOVERNANCE_TESTS_STORE_STORE_BACKENDS_H_

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "governance/store.h"
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

// Drops every mgov table so that each PostgreSQL test starts empty.
void ResetPostgres(const std::string& url);

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
  if (const char* pg = std::getenv("MGOV_TEST_POSTGRES_URL"); pg != nullptr && *pg != '\0') {
    std::string url = pg;
    out.push_back({"postgresql", [url](StoreOptions o) {
                     ResetPostgres(url);
                     auto s = OpenStore(url, std::move(o));
                     REQUIRE_MESSAGE(s.ok(), s.status().ToString());
                     REQUIRE((*s)->Migrate().ok());
                     return std::move(*s);
                   }});
  }
  return out;
}

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_STORE_STORE_BACKENDS_H_
