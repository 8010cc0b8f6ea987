// The workload that the concurrency, crash and restart tests drive through
// several store_worker processes, shared by the worker and the tests.
//
// A store is first seeded with kSharedApprovals approvals ("shared-0"…), each
// signed once by a setup key. Each worker then repeats, until its deadline or
// until it is killed, one of these actions, each one transaction that also
// appends exactly one ledger entry whose details carry the action id
// ("w<worker>-<n>", or "w<worker>-enrol"):
//
//   enrol    (once, first) enrol the worker's own key → "key.enrolled"
//   issue    put approval "a-w<worker>-<n>", signed by the worker's own
//            key                                  → "approval.issued"
//   cosign   enrol a fresh approver key and add its signature to a shared
//            approval                             → "approval.cosigned"
//   dup      append a ledger entry, then re-add a signature this worker
//            already added: must fail AlreadyExists and store nothing
//   deploy   add a deployment of a shared approval → "deploy.allowed"
//   revoke   revoke an approval the worker issued  → "approval.revoked"
//   append   a bare ledger entry                   → "test.event"
//
// After an action returns, the worker writes one line to its log with
// write(2), so a line exists for every action the store acknowledged before
// the process died:
//
//   ok <unix_ms> <kind> <action> <subject> <extra>     (extra: key id,
//                                                      deployment id or "-")
//   dup <unix_ms> <approval> <keyid>                   the duplicate was refused
//   bad <unix_ms> <what>                               a broken guarantee
//   error <unix_ms> <kind> <action> <CODE> <message>   the store said no
#ifndef GOVERNANCE_TESTS_STORE_STORE_WORKLOAD_H_
#define GOVERNANCE_TESTS_STORE_STORE_WORKLOAD_H_

#include <string>

#include "governance/dsse.h"
#include "governance/store.h"

namespace governance::testing {

inline constexpr int kSharedApprovals = 8;
inline constexpr char kSharedModel[] = "shared";

// The key that seals the ledger of every workload store.
inline PrivateKey WorkloadLedgerKey() { return *PrivateKey::FromSeed(std::string(32, '\x0b')); }

inline std::string SharedApprovalId(int k) { return "shared-" + std::to_string(k); }

// The approval statement bytes of an approval id (what signatures cover).
inline std::string WorkloadPayload(const std::string& approval_id) {
  return "{\"approval\":\"" + approval_id + "\",\"model\":\"" + kSharedModel + "\"}";
}

inline KeyRecord WorkloadKeyRecord(const PrivateKey& key, const std::string& identity) {
  KeyRecord k;
  k.keyid = key.keyid();
  k.identity = identity;
  k.roles = {Role::kApprover};
  k.public_key_pem = key.public_key().ToPem();
  k.enrolled_at = 1;
  return k;
}

inline ApprovalRecord WorkloadApproval(const std::string& id, const PrivateKey& signer) {
  ApprovalRecord a;
  a.approval_id = id;
  a.model_id = kSharedModel;
  a.model_version = "1";
  a.artifact_digest = "sha256:" + std::string(64, 'c');
  a.envelope = {std::string(kInTotoPayloadType), WorkloadPayload(id), {}};
  AddSignature(a.envelope, signer);
  a.created_at = 1;
  return a;
}

// Seeds a migrated, empty store with the shared approvals; their ledger
// entries carry actions "setup-<k>".
inline Status SeedWorkloadStore(Store& store) {
  GOV_ASSIGN_OR_RETURN(PrivateKey setup, GeneratePrivateKey());
  return store.Transact([&](StoreTransaction& t) -> Status {
    GOV_RETURN_IF_ERROR(t.PutKey(WorkloadKeyRecord(setup, "setup")));
    for (int k = 0; k < kSharedApprovals; ++k) {
      const std::string id = SharedApprovalId(k);
      GOV_RETURN_IF_ERROR(t.PutApproval(WorkloadApproval(id, setup)));
      GOV_RETURN_IF_ERROR(t.AppendLedger({"approval.issued", "setup", id,
                                          {{"action", "setup-" + std::to_string(k)},
                                           {"keyid", setup.keyid()}}})
                              .status());
    }
    return Status();
  });
}

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_STORE_STORE_WORKLOAD_H_
