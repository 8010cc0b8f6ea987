#include "store/postgres_connection.h"

#include <dlfcn.h>
#include <libpq-fe.h>

#include <mutex>

#include <chrono>
#include <thread>
#include <unordered_map>

namespace governance {
namespace {

// libpq is loaded when the first PostgreSQL store is opened, not when mgov
// starts: its dependencies (GnuTLS, Kerberos, LDAP) bind every symbol at load
// time and would add milliseconds to every command run on SQLite.
struct LibPq {
  decltype(&::PQclear) PQclear = nullptr;
  decltype(&::PQcmdStatus) PQcmdStatus = nullptr;
  decltype(&::PQconnectdb) PQconnectdb = nullptr;
  decltype(&::PQerrorMessage) PQerrorMessage = nullptr;
  decltype(&::PQexec) PQexec = nullptr;
  decltype(&::PQexecParams) PQexecParams = nullptr;
  decltype(&::PQexecPrepared) PQexecPrepared = nullptr;
  decltype(&::PQfinish) PQfinish = nullptr;
  decltype(&::PQgetisnull) PQgetisnull = nullptr;
  decltype(&::PQgetlength) PQgetlength = nullptr;
  decltype(&::PQgetvalue) PQgetvalue = nullptr;
  decltype(&::PQnfields) PQnfields = nullptr;
  decltype(&::PQntuples) PQntuples = nullptr;
  decltype(&::PQprepare) PQprepare = nullptr;
  decltype(&::PQreset) PQreset = nullptr;
  decltype(&::PQresultErrorField) PQresultErrorField = nullptr;
  decltype(&::PQresultErrorMessage) PQresultErrorMessage = nullptr;
  decltype(&::PQresultStatus) PQresultStatus = nullptr;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor = nullptr;
  decltype(&::PQstatus) PQstatus = nullptr;
  decltype(&::PQtransactionStatus) PQtransactionStatus = nullptr;
};

const LibPq* g_libpq = nullptr;

const LibPq& Pq() { return *g_libpq; }

template <typename F>
Status Bind(void* handle, const char* name, F& slot) {
  slot = reinterpret_cast<F>(::dlsym(handle, name));
  if (slot == nullptr) return InternalError(std::string("libpq lacks ") + name);
  return Status();
}

Status LoadLibPq() {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (g_libpq != nullptr) return Status();
  void* handle = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return FailedPreconditionError(std::string("PostgreSQL stores need libpq (Debian package "
                                               "libpq5): ") + (why ? why : "not found"));
  }
  static LibPq lib;
  GOV_RETURN_IF_ERROR(Bind(handle, "PQclear", lib.PQclear));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQcmdStatus", lib.PQcmdStatus));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQconnectdb", lib.PQconnectdb));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQerrorMessage", lib.PQerrorMessage));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQexec", lib.PQexec));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQexecParams", lib.PQexecParams));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQexecPrepared", lib.PQexecPrepared));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQfinish", lib.PQfinish));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQgetisnull", lib.PQgetisnull));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQgetlength", lib.PQgetlength));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQgetvalue", lib.PQgetvalue));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQnfields", lib.PQnfields));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQntuples", lib.PQntuples));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQprepare", lib.PQprepare));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQreset", lib.PQreset));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQresultErrorField", lib.PQresultErrorField));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQresultErrorMessage", lib.PQresultErrorMessage));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQresultStatus", lib.PQresultStatus));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQsetNoticeProcessor", lib.PQsetNoticeProcessor));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQstatus", lib.PQstatus));
  GOV_RETURN_IF_ERROR(Bind(handle, "PQtransactionStatus", lib.PQtransactionStatus));
  g_libpq = &lib;
  return Status();
}

// First key of the write lock, "mgov" in ASCII; the second is a hash of the
// schema, so stores in different schemas of one database do not contend.
constexpr int kWriteLockClass = 0x6d676f76;

// How long Commit keeps asking a restarted server whether a transaction whose
// COMMIT reply was lost committed, before giving up.
constexpr auto kCommitResolveBudget = std::chrono::seconds(15);

// "… WHERE a = ? AND b = ?" → "… WHERE a = $1 AND b = $2" (no '?' occurs in
// our string literals).
std::string Numbered(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

// Data statements are prepared once per connection; utility statements
// (DDL, SET) cannot always be prepared and run rarely, so they are not.
bool Preparable(std::string_view sql) {
  for (std::string_view verb : {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}) {
    if (sql.rfind(verb, 0) == 0) return true;
  }
  return false;
}

std::string Trimmed(const char* message) {
  std::string msg = message ? message : "";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

class PostgresConnection final : public SqlConnection {
 public:
  PostgresConnection(PGconn* conn, std::string conninfo)
      : conn_(conn), conninfo_(std::move(conninfo)) {}
  ~PostgresConnection() override { Pq().PQfinish(conn_); }

  // Per-session settings, run on every new or reset connection.
  Status Setup() {
    // Keep the server quiet about notices (e.g. "relation already exists").
    return Exec("SET client_min_messages TO WARNING").status();
  }

  StatusOr<std::vector<SqlRow>> Query(std::string_view sql,
                                      const std::vector<SqlValue>& params) override {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* v = std::get_if<int64_t>(&params[i])) {
        text[i] = std::to_string(*v);
        values[i] = text[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      }
    }
    const int n = static_cast<int>(params.size());
    PGresult* res = nullptr;
    if (Preparable(sql)) {
      GOV_ASSIGN_OR_RETURN(const std::string* name, Prepare(sql, n));
      res = Pq().PQexecPrepared(conn_, name->c_str(), n, values.data(), nullptr, nullptr, 0);
    } else {
      res = Pq().PQexecParams(conn_, Numbered(sql).c_str(), n, nullptr, values.data(), nullptr,
                         nullptr, 0);
    }
    return Rows(res, sql);
  }

  Status Begin(bool read_only) override {
    xid_.clear();
    if (read_only) return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status();
    // READ COMMITTED, and the lock first: each later statement then reads
    // everything committed before the lock was granted, and since every writer
    // holds the lock the transactions run serially. (Under REPEATABLE READ or
    // SERIALIZABLE the snapshot would predate the wait and go stale.) The
    // transaction id lets Commit find out what happened if the reply is lost.
    GOV_ASSIGN_OR_RETURN(auto rows,
                         Exec("BEGIN ISOLATION LEVEL READ COMMITTED; "
                              "SELECT pg_advisory_xact_lock(" +
                              std::to_string(kWriteLockClass) +
                              ", hashtext(COALESCE(current_schema(), ''))), "
                              "pg_current_xact_id()::text"));
    if (rows.size() != 1) return InternalError("PostgreSQL: BEGIN returned no transaction id");
    xid_ = rows[0].Text(1);
    return Status();
  }

  Status Commit() override {
    PGresult* res = Pq().PQexec(conn_, "COMMIT");
    ExecStatusType st = Pq().PQresultStatus(res);
    if (st == PGRES_COMMAND_OK) {
      // COMMIT of a transaction in which a statement failed rolls back instead.
      bool rolled_back = std::string_view(Pq().PQcmdStatus(res)) == "ROLLBACK";
      Pq().PQclear(res);
      if (rolled_back) {
        return InternalError("PostgreSQL rolled the transaction back at COMMIT because an "
                             "earlier statement in it failed");
      }
      return Status();
    }
    Status s = Error(res, "COMMIT");
    Pq().PQclear(res);
    if (Pq().PQstatus(conn_) == CONNECTION_OK || xid_.empty()) return s;
    return ResolveLostCommit(s);
  }

  void Rollback() override {
    if (Pq().PQstatus(conn_) == CONNECTION_OK && Pq().PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      Pq().PQclear(Pq().PQexec(conn_, "ROLLBACK"));
    }
  }

  Status Reconnect() override {
    if (Pq().PQstatus(conn_) == CONNECTION_OK) return Status();
    statements_.clear();
    Pq().PQreset(conn_);
    if (Pq().PQstatus(conn_) != CONNECTION_OK) {
      return UnavailableError("cannot reconnect to PostgreSQL: " +
                              Trimmed(Pq().PQerrorMessage(conn_)));
    }
    return Setup();
  }

  StatusOr<bool> HasTable(std::string_view name) override {
    // to_regclass resolves the name through search_path, as queries do.
    GOV_ASSIGN_OR_RETURN(auto rows, Query("SELECT to_regclass(?) IS NOT NULL",
                                          {std::string(name)}));
    return !rows.empty() && rows[0].Text(0) == "t";
  }

  std::string_view dialect() const override { return "postgresql"; }

 private:
  // Runs SQL text without parameters (it may hold several statements; the
  // rows are the last one's).
  StatusOr<std::vector<SqlRow>> Exec(const std::string& sql) {
    return Rows(Pq().PQexec(conn_, sql.c_str()), sql);
  }

  StatusOr<const std::string*> Prepare(std::string_view sql, int nparams) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return &it->second;
    std::string name = "mgov_" + std::to_string(statements_.size() + 1);
    PGresult* res = Pq().PQprepare(conn_, name.c_str(), Numbered(sql).c_str(), nparams, nullptr);
    if (Pq().PQresultStatus(res) != PGRES_COMMAND_OK) {
      Status s = Error(res, sql);
      Pq().PQclear(res);
      return s;
    }
    Pq().PQclear(res);
    return &statements_.emplace(std::string(sql), std::move(name)).first->second;
  }

  StatusOr<std::vector<SqlRow>> Rows(PGresult* res, std::string_view sql) {
    ExecStatusType st = Pq().PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Status s = Error(res, sql);
      Pq().PQclear(res);
      return s;
    }
    std::vector<SqlRow> rows;
    int nrows = Pq().PQntuples(res), ncols = Pq().PQnfields(res);
    rows.reserve(static_cast<size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      SqlRow row;
      row.cells.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (Pq().PQgetisnull(res, r, c)) {
          row.cells.emplace_back(nullptr);
        } else {
          row.cells.emplace_back(std::string(Pq().PQgetvalue(res, r, c),
                                             static_cast<size_t>(Pq().PQgetlength(res, r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    Pq().PQclear(res);
    return rows;
  }

  // The connection died after COMMIT was sent, so the transaction may or may
  // not have committed. Ask the server (once it is back) about its id.
  Status ResolveLostCommit(const Status& lost) {
    const auto deadline = std::chrono::steady_clock::now() + kCommitResolveBudget;
    std::string last = lost.message();
    for (;;) {
      PGconn* probe = Pq().PQconnectdb(conninfo_.c_str());
      if (Pq().PQstatus(probe) == CONNECTION_OK) {
        const char* values[] = {xid_.c_str()};
        PGresult* res = Pq().PQexecParams(probe, "SELECT pg_xact_status($1::xid8)", 1, nullptr,
                                     values, nullptr, nullptr, 0);
        std::string outcome;
        bool answered = Pq().PQresultStatus(res) == PGRES_TUPLES_OK && Pq().PQntuples(res) == 1;
        if (answered && !Pq().PQgetisnull(res, 0, 0)) outcome = Pq().PQgetvalue(res, 0, 0);
        if (!answered) last = Trimmed(Pq().PQresultErrorMessage(res));
        Pq().PQclear(res);
        Pq().PQfinish(probe);
        if (outcome == "committed") return Status();
        if (outcome == "aborted") {
          return UnavailableError("lost the connection to PostgreSQL while committing; the "
                                  "server rolled transaction " + xid_ + " back (" +
                                  lost.message() + ")");
        }
        if (answered && outcome.empty()) break;  // too old to know
      } else {
        last = Trimmed(Pq().PQerrorMessage(probe));
        Pq().PQfinish(probe);
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return Status(
        StatusCode::kDeadlineExceeded,
        "lost the connection to PostgreSQL while committing transaction " + xid_ +
        ", and could not find out whether it was applied: " + last);
  }

  // The one place libpq errors become Status values, by SQLSTATE class.
  Status Error(PGresult* res, std::string_view context) {
    const char* state = res ? Pq().PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg =
        "PostgreSQL: " + Trimmed(res ? Pq().PQresultErrorMessage(res) : Pq().PQerrorMessage(conn_));
    if (msg == "PostgreSQL: ") msg += Trimmed(Pq().PQerrorMessage(conn_));
    msg += " (in: " + std::string(context.substr(0, 60)) + ")";
    if (Pq().PQstatus(conn_) != CONNECTION_OK || state == nullptr) return UnavailableError(msg);
    std::string_view code(state);
    if (code == "23505") return AlreadyExistsError(msg);
    if (code == "40001" || code == "40P01") return AbortedError(msg);
    if (code.substr(0, 2) == "08" || code == "57P01" || code == "57P02" || code == "57P03") {
      return UnavailableError(msg);
    }
    if (code == "42501") return PermissionDeniedError(msg);
    if (code == "42P01") return FailedPreconditionError(msg);
    return InternalError(msg);
  }

  PGconn* conn_;
  const std::string conninfo_;
  std::unordered_map<std::string, std::string> statements_;  // SQL → prepared name
  std::string xid_;  // of the open read-write transaction
};

}  // namespace

StatusOr<std::unique_ptr<SqlConnection>> OpenPostgresConnection(const std::string& conninfo) {
  GOV_RETURN_IF_ERROR(LoadLibPq());
  PGconn* conn = Pq().PQconnectdb(conninfo.c_str());
  if (Pq().PQstatus(conn) != CONNECTION_OK) {
    std::string msg = Trimmed(Pq().PQerrorMessage(conn));
    Pq().PQfinish(conn);
    return UnavailableError("cannot connect to PostgreSQL: " + msg);
  }
  // Server messages become Status values; libpq's default would also print
  // them (e.g. "terminating connection due to administrator command") on stderr.
  Pq().PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  auto c = std::make_unique<PostgresConnection>(conn, conninfo);
  GOV_RETURN_IF_ERROR(c->Setup());
  return std::unique_ptr<SqlConnection>(std::move(c));
}

}  // namespace governance
