#include "governance/quorum.h"

#include <algorithm>
#include <set>


namespace governance {

std::string JoinList(const std::vector<std::string>& items, const char* last) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last : ", ";
    out += items[i];
  }
  return out;
}

QuorumCount CountQuorum(const GovernanceState& state, const Envelope& envelope,
                        const std::string& trainer) {
  QuorumCount q;
  std::set<std::string> seen_keys, counted;
  for (size_t i = 0; i < envelope.signatures.size(); ++i) {
    const EnvelopeSignature& sig = envelope.signatures[i];
    const std::string short_id = sig.keyid.substr(0, 16);
    QuorumCount::Signature& verdict = q.signatures.emplace_back();
    verdict.keyid = sig.keyid;
    auto refuse = [&](std::vector<std::string>& list, std::string why) {
      verdict.note = why;
      list.push_back(std::move(why));
    };
    if (!seen_keys.insert(sig.keyid).second) {
      verdict.note = "key " + short_id + " signs more than once";
      q.duplicate_keyids.push_back(short_id);
      continue;
    }
    const KeyRecord* key = state.FindKey(sig.keyid);
    if (!key) {
      refuse(q.bad_signatures,
             "signature " + std::to_string(i + 1) + " is by unknown key " + short_id);
      continue;
    }
    verdict.identity = key->identity;
    auto pub = PublicKey::FromEnrolledPem(key->public_key_pem, "enrolled key " + short_id);
    if (!pub.ok() || !VerifySignature(envelope, sig, *pub)) {
      refuse(q.bad_signatures, "signature " + std::to_string(i + 1) + " (key " + short_id + ", " +
                                   key->identity + ") does not verify");
      continue;
    }
    if (key->revoked) {
      refuse(q.revoked_keys, "key " + short_id + " (" + key->identity +
                                 ") was revoked: " + key->revocation_reason);
      continue;
    }
    if (!key->HasRole(Role::kApprover)) {
      refuse(q.not_counted, key->identity + " (key " + short_id + ") lacks the approver role");
    } else if (key->identity == trainer) {
      refuse(q.not_counted, key->identity + " trained this model and cannot approve it");
    } else if (!counted.insert(key->identity).second) {
      refuse(q.not_counted, key->identity + " already counted (key " + short_id +
                                " is a second key of the same identity)");
    } else {
      verdict.counts = true;
      q.approvers.push_back(key->identity);
    }
  }
  return q;
}

bool SignedByApprovers(const QuorumCount& count) {
  return count.bad_signatures.empty() &&
         (!count.approvers.empty() || !count.revoked_keys.empty());
}

int RequiredApprovers(const ModelApproval& approval, const GovernanceConfig& config,
                      const std::vector<std::string>& environments) {
  int required = std::max(1, approval.required_approvers);
  for (const auto& env : environments) {
    if (const EnvironmentRule* rule = config.Find(env)) {
      required = std::max(required, rule->min_approvers);
    }
  }
  return required;
}

}  // namespace governance
