#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <unordered_map>

namespace governance {

namespace {

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  StatusOr<std::vector<SqlRow>> Query(std::string_view sql,
                                      const std::vector<SqlValue>& params) override {
    GOV_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (const auto* v = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, idx, *v);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return Error(rc, "bind");
    }
    std::vector<SqlRow> rows;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Status s = Error(rc, sql);
        sqlite3_reset(stmt);
        return s;
      }
      SqlRow row;
      int n = sqlite3_column_count(stmt);
      row.cells.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: row.cells.emplace_back(nullptr); break;
          case SQLITE_INTEGER: row.cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.cells.emplace_back(std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  Status Begin(bool read_only) override {
    // IMMEDIATE takes the write lock up front, so two writers never both read
    // the ledger head and then race to append (no upgrade deadlock either).
    return Query(read_only ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE", {}).status();
  }
  Status Commit() override {
    Status s = Query("COMMIT", {}).status();
    if (s.ok() || (last_error_ & 0xff) != SQLITE_IOERR) return s;
    // An I/O error can come after SQLite wrote the transaction out whole: in
    // WAL mode its frames, commit mark and all, precede the sync that failed.
    // SQLite then forgets them and the next commit overwrites them, but if the
    // process dies first, or the store is closed while the disk still fails
    // (the checkpoint fails and the WAL stays), the next open recovers the
    // transaction. So its outcome is unknown, and a retry could apply it twice.
    return Status(StatusCode::kDeadlineExceeded,
                  s.message() + ": the change may or may not have been stored");
  }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) Query("ROLLBACK", {}).status().IgnoreError();
  }
  Status Reconnect() override { return Status(); }
  StatusOr<bool> HasTable(std::string_view name) override {
    GOV_ASSIGN_OR_RETURN(auto rows,
                         Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               {std::string(name)}));
    return !rows.empty();
  }
  std::string_view dialect() const override { return "sqlite"; }

 private:
  StatusOr<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    auto it = statements_.find(key);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, sql);
    statements_.emplace(std::move(key), stmt);
    return stmt;
  }

  // The one place SQLite result codes become Status values.
  Status Error(int rc, std::string_view context) {
    last_error_ = rc;
    std::string msg = "SQLite " + path_ + ": " + sqlite3_errmsg(db_) + " (in: " +
                      std::string(context.substr(0, 60)) + ")";
    switch (rc & 0xff) {
      case SQLITE_CONSTRAINT: return AlreadyExistsError(msg);
      case SQLITE_BUSY:
      case SQLITE_LOCKED: return UnavailableError(msg);
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB: return DataLossError(msg);
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_AUTH: return PermissionDeniedError(msg);
      case SQLITE_CANTOPEN: return NotFoundError(msg);
      default: return InternalError(msg);
    }
  }

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  int last_error_ = SQLITE_OK;  // the result code Error() last translated
};

}  // namespace

StatusOr<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const std::string& path,
                                                              int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open SQLite store " + path + ": " +
                      (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return rc == SQLITE_CANTOPEN ? NotFoundError(msg) : InternalError(msg);
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  auto conn = std::make_unique<SqliteConnection>(db, path);
  // Where SQLite cannot use WAL (a VFS or file system without shared memory)
  // it quietly keeps a rollback journal, and there a commit is durable only
  // once the journal's deletion is: under synchronous=FULL a power cut just
  // after COMMIT returned can bring the journal back, and the next open rolls
  // the acknowledged transaction back. EXTRA syncs the directory after the
  // unlink, before COMMIT returns.
  GOV_ASSIGN_OR_RETURN(auto mode, conn->Query("PRAGMA journal_mode=WAL", {}));
  const bool wal = !mode.empty() && mode[0].Text(0) == "wal";
  for (const char* pragma : {wal ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=EXTRA",
                             "PRAGMA foreign_keys=ON"}) {
    auto r = conn->Query(pragma, {});
    if (!r.ok()) return r.status();
  }
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace governance
