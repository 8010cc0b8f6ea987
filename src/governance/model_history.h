// The verified ledger and the entries about one model: what ModelHistory
// filters and what AuditDeployment cites.
#ifndef GOVERNANCE_SRC_GOVERNANCE_MODEL_HISTORY_H_
#define GOVERNANCE_SRC_GOVERNANCE_MODEL_HISTORY_H_

#include <optional>
#include <string_view>
#include <vector>

#include "governance/audit.h"
#include "governance/ledger.h"

namespace governance {

struct ModelLedger {
  std::vector<LedgerEntry> entries;  // the whole ledger, verified
  std::vector<HistoryEvent> events;  // the entries about the model, in order
};

// Reads the trusted state and the ledger, verifies every entry (and, when
// given, that the checkpoint's tree is a prefix of it, signed by a ledger
// key), and picks the entries about `model_id` (audit.h, ModelHistory).
// PermissionDenied when anything does not verify; NotFound when no entry is
// about the model.
StatusOr<ModelLedger> ReadModelLedger(Store& store, const PlaneOptions& options,
                                      std::string_view model_id,
                                      const std::optional<LedgerCheckpoint>& checkpoint);

}  // namespace governance

#endif  // GOVERNANCE_SRC_GOVERNANCE_MODEL_HISTORY_H_
