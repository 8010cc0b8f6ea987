// Counting an approval's quorum: distinct, trusted approver identities whose
// signatures verify.
#ifndef GOVERNANCE_SRC_GOVERNANCE_QUORUM_H_
#define GOVERNANCE_SRC_GOVERNANCE_QUORUM_H_

#include <string>
#include <vector>

#include "governance/config.h"
#include "governance/state.h"
#include "governance/types.h"
#include "governance/dsse.h"

namespace governance {

struct QuorumCount {
  // Each signature, in envelope order: its key, the key's identity ("" when
  // not enrolled), whether it counts, and why not (the same text as below).
  struct Signature {
    std::string keyid;
    std::string identity;
    bool counts = false;
    std::string note;
  };
  std::vector<Signature> signatures;
  // Identities that count, in signature order.
  std::vector<std::string> approvers;
  // Signatures that do not verify, or whose key is not enrolled: the
  // envelope was tampered with or forged.
  std::vector<std::string> bad_signatures;
  // Signatures by keys revoked since.
  std::vector<std::string> revoked_keys;
  // Why other valid signatures do not count (no approver role, the trainer,
  // a second key of an identity already counted).
  std::vector<std::string> not_counted;
  // Key ids that sign more than once.
  std::vector<std::string> duplicate_keyids;
};

// Examines every signature of `envelope` against the effective keyring.
// `trainer` never counts.
QuorumCount CountQuorum(const GovernanceState& state, const Envelope& envelope,
                        const std::string& trainer);

// True when every signature verifies with an enrolled key and at least one
// is by an approver (or by a key revoked since): the statement is one that
// approvers signed, whatever quorum it reaches. A store writer, who holds no
// key, cannot make a statement of their own pass this.
bool SignedByApprovers(const QuorumCount& count);

// The strictest of what the approval asks and what each of `environments`
// demands (unknown environments add nothing).
int RequiredApprovers(const ModelApproval& approval, const GovernanceConfig& config,
                      const std::vector<std::string>& environments);

// "a, b and c".
std::string JoinList(const std::vector<std::string>& items, const char* last = " and ");

}  // namespace governance

#endif  // GOVERNANCE_SRC_GOVERNANCE_QUORUM_H_
