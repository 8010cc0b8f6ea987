// A SQLite database as text, the way `sqlite3 FILE .dump` shows it: every
// schema object's SQL, then every row of every table with each value's type.
// Tests compare two dumps to show that a refused command stored nothing.
// Also SQL run on the file behind mgov's back, as an attacker would.
#ifndef GOVERNANCE_TESTS_SQLITE_DUMP_H_
#define GOVERNANCE_TESTS_SQLITE_DUMP_H_

#include <sqlite3.h>

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace governance::testing {

// The schema and rows of the database at `path`, opened read-only; rows in
// primary-key order. An error (no such file, not a database) is returned as
// text starting with "error:", so that it can never equal a real dump.
inline std::string DumpSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string error = "error: " + std::string(db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return error;
  }
  std::string out;
  auto each_row = [&](const std::string& sql, auto&& row) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      out += "error: " + std::string(sqlite3_errmsg(db)) + " in " + sql + "\n";
      return;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    if (rc != SQLITE_DONE) out += "error: " + std::string(sqlite3_errmsg(db)) + "\n";
    sqlite3_finalize(stmt);
  };
  auto text = [](sqlite3_stmt* stmt, int column) {
    const unsigned char* t = sqlite3_column_text(stmt, column);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(stmt, column)))
             : std::string();
  };
  std::vector<std::pair<std::string, bool>> tables;  // name, has rowid
  each_row("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name", [&](sqlite3_stmt* s) {
    out += text(s, 0) + " " + text(s, 1) + ": " + text(s, 2) + "\n";
    if (text(s, 0) == "table" && text(s, 1).rfind("sqlite_", 0) != 0) {
      tables.emplace_back(text(s, 1), text(s, 2).find("WITHOUT ROWID") == std::string::npos);
    }
  });
  for (const auto& [table, has_rowid] : tables) {
    out += "-- " + table + "\n";
    // Every column ascending orders a WITHOUT ROWID table by its key too.
    each_row("SELECT * FROM \"" + table + "\" ORDER BY " + (has_rowid ? "rowid" : "1"),
             [&](sqlite3_stmt* s) {
               for (int c = 0; c < sqlite3_column_count(s); ++c) {
                 switch (sqlite3_column_type(s, c)) {
                   case SQLITE_NULL: out += "NULL"; break;
                   case SQLITE_INTEGER: out += "i:" + text(s, c); break;
                   case SQLITE_FLOAT: out += "f:" + text(s, c); break;
                   case SQLITE_BLOB: {
                     const char* b = static_cast<const char*>(sqlite3_column_blob(s, c));
                     const auto n = static_cast<size_t>(sqlite3_column_bytes(s, c));
                     out += "b:" + std::to_string(n) + ":" + (b ? std::string(b, n) : "");
                     break;
                   }
                   default: out += "t:'" + text(s, c) + "'"; break;
                 }
                 out += c + 1 < sqlite3_column_count(s) ? "|" : "\n";
               }
             });
  }
  sqlite3_close(db);
  return out;
}

// Runs `sql` on the database at `path` directly, as anyone with write
// access to the file could; the test fails when SQLite refuses it.
inline void ExecSqlite(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_SQLITE_DUMP_H_
