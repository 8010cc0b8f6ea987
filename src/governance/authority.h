// Whether a key may act in a role: the one check every plane makes before it
// accepts a signature.
#ifndef GOVERNANCE_SRC_GOVERNANCE_AUTHORITY_H_
#define GOVERNANCE_SRC_GOVERNANCE_AUTHORITY_H_

#include <functional>
#include <optional>
#include <string>

#include "governance/keys.h"
#include "governance/store.h"

namespace governance {

struct Authority {
  std::optional<KeyRecord> key;  // the enrolled key, when known
  std::string refusal;           // why it may not act; empty when it may

  bool allowed() const { return refusal.empty(); }
};

// Looks `keyid` up and checks that it is enrolled, unrevoked and holds `role`.
StatusOr<Authority> CheckAuthority(StoreTransaction& txn, std::string_view keyid, Role role);

// The current time under `clock` (Unix seconds), or the wall clock.
int64_t NowUnder(const std::function<int64_t()>& clock);

// Who runs this process, for ledger entries of actions taken without a key.
std::string LocalActor();

}  // namespace governance

#endif  // GOVERNANCE_SRC_GOVERNANCE_AUTHORITY_H_
