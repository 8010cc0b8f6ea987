#include "governance/authority.h"

#include "core/time.h"

namespace governance {

Authority CheckAuthority(const GovernanceState& state, std::string_view keyid, Role role) {
  Authority a;
  const KeyRecord* key = state.FindKey(keyid);
  if (!key) {
    a.refusal = "key " + std::string(keyid.substr(0, 16)) + " is not enrolled";
    return a;
  }
  a.key = *key;
  if (key->revoked) {
    a.refusal = "key " + key->keyid.substr(0, 16) + " (" + key->identity +
                ") was revoked: " + key->revocation_reason;
  } else if (!key->HasRole(role)) {
    a.refusal = "key " + key->keyid.substr(0, 16) + " (" + key->identity + ") lacks the " +
                std::string(RoleName(role)) + " role";
  }
  return a;
}

StatusOr<GovernanceState> LoadTrustedState(StoreTransaction& txn, const PlaneOptions& options,
                                           int64_t now, StateCheck check) {
  if (!options.trust) {
    return PermissionDeniedError(
        "trust: no trust anchor: pin the governance root (PlaneOptions::trust)");
  }
  GOV_ASSIGN_OR_RETURN(StateVerdict verdict, VerifyStoreState(txn, *options.trust, now, check));
  GOV_RETURN_IF_ERROR(verdict.ToStatus());
  return std::move(verdict.state);
}

bool IsStateRefusal(const Status& status) {
  if (status.code() != StatusCode::kPermissionDenied) return false;
  const std::string& m = status.message();
  return m.rfind("trust: ", 0) == 0 || m.rfind("snapshot: ", 0) == 0;
}

int64_t NowUnder(const std::function<int64_t()>& clock) { return clock ? clock() : NowSeconds(); }

void RememberWritten(const PlaneOptions& options, const LedgerEntry& appended,
                     int64_t change_count, const std::string& change_head,
                     const std::string& revocation_line) {
  if (!options.trust || appended.sequence == 0) return;
  LedgerMark mark;
  mark.size = appended.sequence;
  mark.head = appended.hash;
  mark.seen_at = appended.timestamp;
  mark.change_count = change_count;
  mark.change_head = change_head;
  if (!revocation_line.empty()) mark.revocations.push_back(revocation_line);
  // The action has committed: failing now would report as not done what is
  // done. The next verification on this host records the whole state's mark
  // and fails closed if it cannot, so nothing is lost but a head start.
  (void)options.trust->RecordSeen(mark);
}

std::string ActorName(const Authority& who, const PrivateKey& key) {
  return who.key ? who.key->identity : "key:" + key.keyid().substr(0, 16);
}

}  // namespace governance
