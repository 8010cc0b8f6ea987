// Snapshots: the store's online key signs, with every change it commits, a
// short-lived statement of the whole state the store holds.
//
//   {"_type": "https://mgov.dev/snapshot/v1", "issued_at": "...",
//    "ledger": {"size": 41, "head": "<hex>", "merkle_root": "<hex>"},
//    "facts": {"root": {"version": 2, "digest": "sha256:..."},
//              "changes": {"count": 7, "head": "sha256:..."},
//              "revocations": "sha256:...", "deployments": "sha256:..."},
//    "tables": {"approvals": {"rows": 12}, "keys": {"rows": 5, "digest": "sha256:..."}, ...}}
//
// "facts" can be recomputed from signed documents alone (a serving host does
// so from an exported bundle); "tables" and "ledger" only from the store.
// A store refuses to write on top of a state that differs from its last
// snapshot, so rows changed outside mgov are never signed over; gates refuse
// a snapshot older than the configured freshness window, which bounds how
// long anyone can show a host an old state (a freeze).
//
// Digests (each "sha256:<hex>" of the lines given, each line ending "\n"):
//   revocations  one line per revocation, sorted: its payload digest, or
//                "legacy <kind> <target>" for one carried over by an upgrade
//   deployments  one line per (model, environment), sorted, of the newest:
//                its columns (model, environment, id, version, approval,
//                artifact, deployer, time, kind) and record digest, tab-separated
//   table digests  each row as length-prefixed fields (envelopes by payload
//                and signature digests), sorted
#ifndef GOVERNANCE_SNAPSHOT_H_
#define GOVERNANCE_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "governance/dsse.h"
#include "governance/status.h"

namespace governance {

inline constexpr std::string_view kSnapshotPayloadType = "application/vnd.mgov.snapshot+json";
inline constexpr std::string_view kSnapshotType = "https://mgov.dev/snapshot/v1";

// What signed documents alone determine.
struct FactsState {
  int64_t root_version = 0;  // newest applied root; 0: none
  std::string root_digest;   // its payload digest
  int64_t change_count = 0;  // applied governance changes
  std::string change_head;   // payload digest of the last one
  std::string revocations;   // digest, see above
  std::string deployments;   // digest, see above

  friend bool operator==(const FactsState&, const FactsState&) = default;
};

struct TableState {
  int64_t rows = 0;
  std::string digest;  // empty for tables counted only

  friend bool operator==(const TableState&, const TableState&) = default;
};

// Everything a snapshot vouches for.
struct StoreState {
  int64_t ledger_size = 0;
  std::string ledger_head;  // hex hash of the last entry; empty when none
  std::string merkle_root;  // hex RFC 6962 root of the ledger
  FactsState facts;
  std::map<std::string, TableState> tables;

  friend bool operator==(const StoreState&, const StoreState&) = default;
};

struct Snapshot {
  int64_t issued_at = 0;
  StoreState state;
};

std::string SnapshotPayload(const Snapshot& snapshot);
StatusOr<Snapshot> ParseSnapshotPayload(std::string_view payload, std::string_view origin);

// The first difference between what a snapshot signed and what is there, in
// words ("table revocations has 0 rows, the snapshot signed 1"); empty when
// they agree. With `facts_only`, tables and the ledger head are not compared.
std::string DescribeStateDifference(const StoreState& signed_state, const StoreState& actual,
                                    bool facts_only = false);

}  // namespace governance

#endif  // GOVERNANCE_SNAPSHOT_H_
