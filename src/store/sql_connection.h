// The little a SQL database must offer for SqlStore: parameterised
// statements, rows of text/integer/null values, and transactions. SQLite and
// PostgreSQL implement it; every table and query lives once, in SqlStore.
#ifndef GOVERNANCE_SRC_STORE_SQL_CONNECTION_H_
#define GOVERNANCE_SRC_STORE_SQL_CONNECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "governance/status.h"

namespace governance {

// A bound parameter or a result cell.
using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;

struct SqlRow {
  std::vector<SqlValue> cells;

  const std::string& Text(size_t i) const;  // "" for NULL
  int64_t Int(size_t i) const;              // 0 for NULL; parses text
};

class SqlConnection {
 public:
  SqlConnection() = default;
  SqlConnection(const SqlConnection&) = delete;
  SqlConnection& operator=(const SqlConnection&) = delete;
  virtual ~SqlConnection() = default;

  // Runs one statement written with '?' placeholders (backends translate),
  // returning its rows. Backends prepare each distinct statement once per
  // connection and reuse it. Errors: AlreadyExists for a unique-constraint
  // violation, Aborted for a serialisation failure or deadlock (retry the
  // transaction), Unavailable for a lost connection or busy database.
  virtual StatusOr<std::vector<SqlRow>> Query(std::string_view sql,
                                              const std::vector<SqlValue>& params = {}) = 0;

  // Starts a transaction. A read-write transaction first takes the store's
  // write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
  // advisory lock), so writers run one at a time, each seeing every earlier
  // commit: the ledger head is never read stale and co-signers never race.
  // A read-only transaction reads one consistent snapshot without blocking
  // writers.
  virtual Status Begin(bool read_only) = 0;

  // Commits. OK: the transaction is durable. Aborted or Unavailable: it is
  // known not to have been applied, so retrying is safe. Any other code means
  // it was not applied and retrying will not help, except DeadlineExceeded:
  // whether the transaction was applied could not be found out (PostgreSQL:
  // the connection was lost while committing; SQLite: an I/O error, after
  // which the transaction may still be recovered from the WAL).
  virtual Status Commit() = 0;
  // Never fails visibly: a rollback of a broken connection is a no-op.
  virtual void Rollback() = 0;

  // Re-establishes a lost connection (forgetting prepared statements); OK
  // when already healthy.
  virtual Status Reconnect() = 0;

  // Whether a table of that name exists where unqualified queries look.
  virtual StatusOr<bool> HasTable(std::string_view name) = 0;

  // "sqlite" or "postgresql", for the few statements that differ.
  virtual std::string_view dialect() const = 0;
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_SQL_CONNECTION_H_
