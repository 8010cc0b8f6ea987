// The SQL schema as a versioned list of migrations, shared by the SQLite and
// PostgreSQL backends.
//
// A database records each migration it has applied as a row of
// schema_version; its version is the largest. SqlStore::Migrate applies the
// missing ones in order, all in one transaction that holds the store's write
// lock, so two processes migrating at once apply each migration exactly once.
//
// To change the schema, append a migration; never edit a published one (a
// database that already ran it would not run it again).
#ifndef GOVERNANCE_SRC_STORE_SQL_SCHEMA_H_
#define GOVERNANCE_SRC_STORE_SQL_SCHEMA_H_

#include <vector>

namespace governance {

struct Migration {
  int version;          // 1, 2, 3…: dense and increasing
  const char* summary;  // what it changes, for error messages
  // Plain SQL that SQLite and PostgreSQL read the same way.
  std::vector<const char*> statements;
};

// Every migration, oldest first.
const std::vector<Migration>& SchemaMigrations();

// The schema version this build writes and understands: the last migration's.
int CurrentSchemaVersion();

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_SQL_SCHEMA_H_
