// What a store's snapshot signs, computed from any backend through the
// StoreTransaction interface, and the two rules every backend applies to a
// write transaction: before its first write the store must still be what its
// last snapshot signed, and its commit seals a new snapshot.
#ifndef GOVERNANCE_SRC_STORE_STORE_STATE_H_
#define GOVERNANCE_SRC_STORE_STORE_STATE_H_

#include <cstdint>
#include <set>
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

// The facts digests (snapshot.h), and the line each revocation contributes.
std::string RevocationLine(const Revocation& revocation);
std::string RevocationsDigest(const std::vector<Revocation>& revocations);
std::string CurrentDeploymentsDigest(const std::vector<Deployment>& current);

// Reads everything a snapshot signs. Backends call it for CurrentState; with
// `previous` (computed earlier in the same transaction), only what `dirty`
// names (tables written since) is read again.
StatusOr<StoreState> ComputeStoreState(StoreTransaction& txn, const StoreState* previous = nullptr,
                                       const std::set<std::string>* dirty = nullptr);

// The guard before a transaction's first write. A store with neither a
// governance root nor a snapshot (new, or made before roots) may be written;
// otherwise the snapshot must be signed by an online key of the newest
// stored root, and the store must equal the state it signed.
// DataLoss naming the difference otherwise, so that rows changed outside
// mgov are never signed over.
Status CheckBeforeWrite(StoreTransaction& txn, const PrivateKey& online_key);

// The snapshot of the state `txn` leaves behind, signed by `online_key`;
// DataLoss when that key is not an online key of the newest applied root.
StatusOr<Envelope> SealSnapshot(StoreTransaction& txn, const PrivateKey& online_key,
                                int64_t now);

// Tells ParseSnapshotPayload what `payload` (just built) parses to.
void RememberSnapshotPayload(std::string_view payload, const Snapshot& snapshot);

// Adds `appended` (just inserted) to the stored Merkle frontier, rebuilding
// the frontier from the whole ledger when it is missing or does not fit
// (a store made before frontiers were kept).
Status ExtendLedgerFrontier(StoreTransaction& txn, const LedgerEntry& appended);

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_STORE_STATE_H_
