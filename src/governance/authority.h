// Whether a key may act in a role, judged on the verified governance state:
// the one check every plane makes before it accepts a signature.
#ifndef GOVERNANCE_SRC_GOVERNANCE_AUTHORITY_H_
#define GOVERNANCE_SRC_GOVERNANCE_AUTHORITY_H_

#include <functional>
#include <optional>
#include <string>

#include "governance/coordinator.h"
#include "governance/keys.h"
#include "governance/state.h"
#include "governance/store.h"

namespace governance {

struct Authority {
  std::optional<KeyRecord> key;  // the effective key, when enrolled
  std::string refusal;           // why it may not act; empty when it may

  bool allowed() const { return refusal.empty(); }
};

// Looks `keyid` up in the effective keyring and checks that it is enrolled,
// unrevoked and holds `role`.
Authority CheckAuthority(const GovernanceState& state, std::string_view keyid, Role role);

// The governance state for an action at `now`: verified (state.h), or
// PermissionDenied "trust: …" / "snapshot: …" (IsStateRefusal).
StatusOr<GovernanceState> LoadTrustedState(StoreTransaction& txn, const PlaneOptions& options,
                                           int64_t now, StateCheck check = {});

// True for a refusal LoadTrustedState made: nothing may be recorded on top of
// a state that does not verify.
bool IsStateRefusal(const Status& status);

// The current time under `clock` (Unix seconds), or the wall clock.
int64_t NowUnder(const std::function<int64_t()>& clock);

// After a write transaction committed: tells the host's trust store what it
// now knows exists (the entry it appended, a change it applied, a revocation
// it made), so that the host never accepts a view without it. Failing to
// remember is not an error of the action; it is ignored.
void RememberWritten(const PlaneOptions& options, const LedgerEntry& appended,
                     int64_t change_count = 0, const std::string& change_head = "",
                     const std::string& revocation_line = "");

// The ledger actor for `key`: its identity when enrolled, else "key:<prefix>".
std::string ActorName(const Authority& who, const PrivateKey& key);

}  // namespace governance

#endif  // GOVERNANCE_SRC_GOVERNANCE_AUTHORITY_H_
