// The signed statements behind revocations and deployments. Each is a DSSE
// envelope signed by the key that acted, so that a row in the store counts
// only when its signer's key, enrolled by the admins, vouches for it.
//
//   revocation (kRevocationPayloadType), signed by an approver or deployer:
//     {"_type": "https://mgov.dev/revocation/v1", "domain": "sha256:...",
//      "kind": "model", "target": "fraud", "artifact_digests": ["sha256:..."],
//      "reason": "...", "revoked_by": "alice", "revoked_at": "..."}
//   deployment (kDeploymentPayloadType), signed by the deployer:
//     {"_type": "https://mgov.dev/deployment/v1", "domain": "sha256:...",
//      "kind": "deploy", "environment": "staging",
//      "model": {"id": "fraud", "version": "1.4.0"}, "approval_id": "apv-...",
//      "artifact_digest": "sha256:...", "deployed_by": "deploy-bot",
//      "deployed_at": "...", "previous": "sha256:..." | "", "reason": ""}
//
// A deployment names the record before it for the same model and
// environment, so each (model, environment) history is a hash chain whose
// newest link the store's snapshot signs: no record can be dropped from it.
#ifndef GOVERNANCE_STATEMENTS_H_
#define GOVERNANCE_STATEMENTS_H_

#include <string>
#include <string_view>

#include "governance/status.h"
#include "governance/store.h"

namespace governance {

inline constexpr std::string_view kRevocationPayloadType = "application/vnd.mgov.revocation+json";
inline constexpr std::string_view kRevocationType = "https://mgov.dev/revocation/v1";
inline constexpr std::string_view kDeploymentPayloadType = "application/vnd.mgov.deployment+json";
inline constexpr std::string_view kDeploymentType = "https://mgov.dev/deployment/v1";

// The payload for `revocation` (its envelope is ignored).
std::string RevocationPayload(const Revocation& revocation, std::string_view domain);
// Parses a payload into a Revocation (envelope left empty) and its domain.
StatusOr<Revocation> ParseRevocationPayload(std::string_view payload, std::string_view origin,
                                            std::string* domain);

struct DeploymentStatement {
  Deployment deployment;  // every field but id and envelope
  std::string domain;
  std::string previous;   // DeploymentDigest of the record before, "" for the first
  std::string reason;     // why, for a rollback
};

std::string DeploymentPayload(const DeploymentStatement& statement);
StatusOr<DeploymentStatement> ParseDeploymentPayload(std::string_view payload,
                                                     std::string_view origin);

}  // namespace governance

#endif  // GOVERNANCE_STATEMENTS_H_
