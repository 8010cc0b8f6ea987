// What a store's snapshot signs, computed from any backend through the
// StoreTransaction interface, and the two rules every backend applies to a
// write transaction: before its first write the store must still be what its
// last snapshot signed, and its commit seals a new snapshot.
#ifndef GOVERNANCE_SRC_STORE_STORE_STATE_H_
#define GOVERNANCE_SRC_STORE_STORE_STATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "governance/keys.h"
#include "governance/snapshot.h"
#include "governance/store.h"

namespace governance {

// The setting holding the ledger's Merkle frontier (merkle_frontier.h).
inline constexpr char kFrontierSetting[] = "ledger.frontier";

// The table names CountRows reports, in the order snapshots list them.
const std::vector<std::string>& StoreTables();

// The facts digests (snapshot.h).
std::string RevocationsDigest(const std::vector<Revocation>& revocations);
std::string CurrentDeploymentsDigest(const std::vector<Deployment>& current);

// Reads everything a snapshot signs. Backends call it for CurrentState.
StatusOr<StoreState> ComputeStoreState(StoreTransaction& txn);

// The guard before a transaction's first write. A store with neither a
// governance root nor a snapshot (new, or made before roots) may be written;
// otherwise the snapshot must be signed by `online_key` or an online key of
// the newest stored root, and the store must equal the state it signed.
// DataLoss naming the difference otherwise, so that rows changed outside
// mgov are never signed over.
Status CheckBeforeWrite(StoreTransaction& txn, const PrivateKey& online_key);

// The snapshot of the state `txn` leaves behind, signed by `online_key`.
StatusOr<Envelope> SealSnapshot(StoreTransaction& txn, const PrivateKey& online_key,
                                int64_t now);

// Adds `appended` (just inserted) to the stored Merkle frontier, rebuilding
// the frontier from the whole ledger when it is missing or does not fit
// (a store made before frontiers were kept).
Status ExtendLedgerFrontier(StoreTransaction& txn, const LedgerEntry& appended);

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_STORE_STATE_H_
