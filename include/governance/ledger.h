// The evidence ledger: an append-only, hash-chained, signed log of every
// governance action, allowed or denied, with RFC 6962 Merkle proofs.
//
// Entry n hashes entry n-1 (prev_hash), and the store's ledger key signs
// each entry hash, so editing, deleting, re-ordering or truncating and
// re-extending entries is caught by VerifyLedger, which names the first entry
// that fails. Pure truncation of the tail is caught by keeping a checkpoint
// (tree size + Merkle root) outside the store and verifying against it.
//
//   LedgerVerification v = VerifyLedger(entries, ledger_public_key, checkpoint);
//   if (!v.ok) std::cerr << "entry " << v.first_bad_sequence << ": " << v.reason;
#ifndef GOVERNANCE_LEDGER_H_
#define GOVERNANCE_LEDGER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/keys.h"
#include "governance/status.h"

namespace governance {

// What an action asks the ledger to record.
struct LedgerEvent {
  std::string type;     // e.g. "approval.issued", "deploy.denied"
  std::string actor;    // identity (or key id) that acted; "anonymous" for reads
  std::string subject;  // approval id, model id or key id the action was about
  nlohmann::json details = nlohmann::json::object();
};

struct LedgerEntry {
  int64_t sequence = 0;  // 1-based, dense
  int64_t timestamp = 0; // Unix seconds
  std::string type;
  std::string actor;
  std::string subject;
  std::string details;    // canonical JSON text, stored byte for byte
  std::string prev_hash;  // hex; 64 zeros for the first entry
  std::string hash;       // hex SHA-256 of EntryBody()
  std::string signer_keyid;
  std::string signature;  // raw Ed25519 signature of the raw hash bytes

  // The canonical bytes that `hash` covers (and the Merkle leaf data).
  std::string EntryBody() const;
};

inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Fills sequence, timestamp, prev_hash, hash, signer and signature of an entry
// that follows `previous` (nullptr for the first entry).
LedgerEntry SealLedgerEntry(const LedgerEvent& event, const LedgerEntry* previous,
                            int64_t timestamp, const PrivateKey& ledger_key);

// A signed tree head: the ledger had `size` entries with this Merkle root.
struct LedgerCheckpoint {
  int64_t size = 0;
  std::string root_hash;  // hex
  std::string keyid;
  std::string signature;  // raw, over "mgov-checkpoint-v1\n<size>\n<root hex>\n"
};

nlohmann::json ToJson(const LedgerCheckpoint& checkpoint);
StatusOr<LedgerCheckpoint> LedgerCheckpointFromJson(const nlohmann::json& j,
                                                    std::string_view origin);
LedgerCheckpoint SignCheckpoint(int64_t size, const std::string& root_hash,
                                const PrivateKey& ledger_key);

struct LedgerVerification {
  bool ok = true;
  int64_t entries = 0;              // how many entries were checked
  int64_t first_bad_sequence = 0;   // 0 when ok
  std::string reason;               // why that entry failed
  std::string root_hash;            // Merkle root over all entries, hex
};

// Checks, in order: dense sequence numbers, prev_hash links, each hash, each
// signature by one of `ledger_keys` (the online keys of the governance
// root's versions), and, when given, that the first checkpoint->size entries
// have the checkpoint's root (and that one of the keys signed the
// checkpoint). Stops at and names the first entry that fails.
LedgerVerification VerifyLedger(const std::vector<LedgerEntry>& entries,
                                const std::vector<PublicKey>& ledger_keys,
                                const std::optional<LedgerCheckpoint>& checkpoint = {});

// RFC 6962 Merkle tree over the entries' bodies.
std::string MerkleLeafHash(std::string_view leaf_data);              // raw 32 bytes
std::string MerkleRoot(const std::vector<std::string>& leaf_hashes);  // raw; empty tree: SHA-256("")
// Audit path for leaf `index` in a tree of leaf_hashes.size() leaves.
StatusOr<std::vector<std::string>> MerkleInclusionProof(const std::vector<std::string>& leaf_hashes,
                                                        size_t index);
bool VerifyMerkleInclusion(const std::string& leaf_hash, size_t index, size_t tree_size,
                           const std::vector<std::string>& proof, const std::string& root);
// Consistency proof between the first `old_size` leaves and all of them.
StatusOr<std::vector<std::string>> MerkleConsistencyProof(
    const std::vector<std::string>& leaf_hashes, size_t old_size);
bool VerifyMerkleConsistency(size_t old_size, size_t new_size, const std::string& old_root,
                             const std::string& new_root, const std::vector<std::string>& proof);

}  // namespace governance

#endif  // GOVERNANCE_LEDGER_H_
