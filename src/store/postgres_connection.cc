#include "store/postgres_connection.h"

#include <libpq-fe.h>

#include <cstring>

namespace governance {
namespace {

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

class PostgresConnection final : public SqlConnection {
 public:
  PostgresConnection(PGconn* conn, std::string conninfo)
      : conn_(conn), conninfo_(std::move(conninfo)) {}
  ~PostgresConnection() override { PQfinish(conn_); }

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
    PGresult* res = PQexecParams(conn_, Numbered(sql).c_str(), static_cast<int>(params.size()),
                                 nullptr, values.data(), nullptr, nullptr, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Status s = Error(res, sql);
      PQclear(res);
      return s;
    }
    std::vector<SqlRow> rows;
    int nrows = PQntuples(res), ncols = PQnfields(res);
    rows.reserve(static_cast<size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      SqlRow row;
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res, r, c)) {
          row.cells.emplace_back(nullptr);
        } else {
          row.cells.emplace_back(std::string(PQgetvalue(res, r, c),
                                             static_cast<size_t>(PQgetlength(res, r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    PQclear(res);
    return rows;
  }

  Status Begin(bool read_only) override {
    return Query(read_only ? "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"
                           : "BEGIN ISOLATION LEVEL SERIALIZABLE",
                 {})
        .status();
  }
  Status Commit() override { return Query("COMMIT", {}).status(); }
  void Rollback() override {
    if (PQstatus(conn_) == CONNECTION_OK &&
        PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      PGresult* res = PQexec(conn_, "ROLLBACK");
      PQclear(res);
    }
  }
  Status Reconnect() override {
    if (PQstatus(conn_) == CONNECTION_OK) return Status();
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      return UnavailableError("PostgreSQL reconnect failed: " + std::string(PQerrorMessage(conn_)));
    }
    return Status();
  }
  std::string_view dialect() const override { return "postgresql"; }

 private:
  // The one place libpq errors become Status values, by SQLSTATE class.
  Status Error(PGresult* res, std::string_view context) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg = "PostgreSQL: " + std::string(PQerrorMessage(conn_));
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    msg += " (in: " + std::string(context.substr(0, 60)) + ")";
    if (PQstatus(conn_) != CONNECTION_OK || state == nullptr) return UnavailableError(msg);
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
  std::string conninfo_;
};

}  // namespace

StatusOr<std::unique_ptr<SqlConnection>> OpenPostgresConnection(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(conn);
    return UnavailableError("cannot connect to PostgreSQL: " + msg);
  }
  auto c = std::make_unique<PostgresConnection>(conn, conninfo);
  // Keep the server quiet about notices (e.g. "relation already exists").
  GOV_RETURN_IF_ERROR(c->Query("SET client_min_messages TO WARNING", {}).status());
  return std::unique_ptr<SqlConnection>(std::move(c));
}

}  // namespace governance
