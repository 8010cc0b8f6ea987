// A whole-store audit: everything the gates check, plus every row of every
// table against the ledger entry that recorded it, so that a row inserted,
// edited or deleted outside mgov is named even where no gate reads it.
//
//   StatusOr<IntegrityReport> r = AuditStoreIntegrity(txn, trust, now, checkpoint);
//   if (!r->ok()) for (const auto& p : r->problems) std::cerr << p.table << ": " << p.what;
//
// The ledger is verified first (hash chain, each entry signed by an online
// key of the governance root, an optional checkpoint kept outside the store),
// then the governance state (state.h; a snapshot older than the freshness
// window is reported but is not a failure), then each table: every governed
// row needs its ledger entry, and every entry that created a row needs the
// row, byte for byte (by digest). Rows made before the store had a governance
// root are exempt as far as the admins' upgrade change vouches for them.
// Cost: O(ledger + tables); this is `mgov ledger verify`, not a gate.
#ifndef GOVERNANCE_INTEGRITY_H_
#define GOVERNANCE_INTEGRITY_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/ledger.h"
#include "governance/store.h"
#include "governance/trust.h"

namespace governance {

struct IntegrityProblem {
  std::string table;  // "ledger", "keys", "revocations", ...
  std::string what;
};

struct IntegrityReport {
  LedgerVerification ledger;
  std::string trust_problem;     // the governance state (state.h)
  std::string snapshot_problem;
  bool snapshot_stale = false;   // older than the freshness window (not a failure)
  std::vector<IntegrityProblem> problems;  // the first problem of each table
  int64_t rows_checked = 0;

  bool ok() const {
    return ledger.ok && trust_problem.empty() && snapshot_problem.empty() && problems.empty();
  }
};

// {"ok", "entries", "first_bad_sequence", "reason", "root_hash",
// "trust_problem", "snapshot_problem", "snapshot_stale", "rows_checked",
// "table_problems": [{"table", "problem"}]}: `mgov ledger verify --json`.
nlohmann::json ToJson(const IntegrityReport& report);

// Audits the store `txn` sees. Errors are for a store that cannot be read.
StatusOr<IntegrityReport> AuditStoreIntegrity(StoreTransaction& txn, TrustStore& trust,
                                              int64_t now,
                                              const std::optional<LedgerCheckpoint>& checkpoint);

}  // namespace governance

#endif  // GOVERNANCE_INTEGRITY_H_
