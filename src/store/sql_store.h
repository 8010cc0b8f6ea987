// Store over any SqlConnection: the schema, its migrations, every query and
// the retry loop live here once, shared by the SQLite and PostgreSQL backends.
#ifndef GOVERNANCE_SRC_STORE_SQL_STORE_H_
#define GOVERNANCE_SRC_STORE_SQL_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "governance/store.h"
#include "store/sql_connection.h"

namespace governance {

class SqlStore final : public Store {
 public:
  using Connector = std::function<StatusOr<std::unique_ptr<SqlConnection>>()>;

  // `connect` opens a new connection; it is called now and again after a
  // connection is lost.
  static StatusOr<std::unique_ptr<SqlStore>> Open(std::string url, Connector connect,
                                                  StoreOptions options);

  Status Transact(const std::function<Status(StoreTransaction&)>& fn) override;
  Status Read(const std::function<Status(StoreTransaction&)>& fn) override;
  std::string url() const override { return url_; }
  Status Migrate() override;
  StatusOr<int> SchemaVersion() override;

  // Applies the migrations up to and including `target` (tests use it to
  // build databases of older versions). InvalidArgument for an unknown version.
  Status MigrateTo(int target);

 private:
  SqlStore(std::string url, Connector connect, StoreOptions options,
           std::unique_ptr<SqlConnection> conn);
  // The retry loop: begins a transaction (re-connecting first when the
  // connection was lost), runs `body`, commits, and starts over after an
  // Aborted or Unavailable failure, up to options_.max_retries times. A commit
  // whose outcome is unknown is returned, never retried.
  Status RunOnConnection(bool read_only, bool require_schema,
                         const std::function<Status(SqlConnection&)>& body);
  Status Run(bool read_only, const std::function<Status(StoreTransaction&)>& fn);
  Status RequireSchema(SqlConnection& conn);

  const std::string url_;
  const Connector connect_;
  const StoreOptions options_;
  std::mutex mu_;  // one transaction at a time on the connection
  std::unique_ptr<SqlConnection> conn_;
  bool schema_checked_ = false;  // guarded by mu_
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_SQL_STORE_H_
