// Offline verification: everything a serving host needs to run every gate
// for one approval, with no store and no private key, against a root it
// pinned.
//
//   // Where the store is:
//   StatusOr<std::string> bundle = ExportVerificationBundle(*store, options, approval_id);
//   // On the serving host:
//   StatusOr<PromotionResult> r = VerifyVerificationBundle(
//       *bundle, pinned_root, {.environment = "production", .artifact_path = "/models/fraud"});
//
// The bundle (JSON, "_type": "https://mgov.dev/verification-bundle/v1")
// carries signed documents only: the root's versions, the governance
// changes, the approval and its training output, the approvals now deployed
// for the same model, every revocation, every current deployment and this
// model's deployment histories, the store's snapshot, and the ledger entries
// that recorded the approval and its co-signatures with RFC 6962 inclusion
// proofs against the snapshot's Merkle root. Nothing in it is believed
// unsigned: the verifier recomputes the snapshot's facts from the documents,
// and a bundle whose snapshot is older than the freshness window fails the
// "snapshot" gate (a serving host must fetch a new one: a freeze lasts at
// most that long).
#ifndef GOVERNANCE_VERIFICATION_BUNDLE_H_
#define GOVERNANCE_VERIFICATION_BUNDLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "governance/coordinator.h"
#include "governance/dsse.h"
#include "governance/status.h"
#include "governance/store.h"
#include "governance/types.h"

namespace governance {

inline constexpr std::string_view kVerificationBundleType =
    "https://mgov.dev/verification-bundle/v1";

// Records "bundle.exported" (which seals a fresh snapshot) and returns the
// bundle for `approval_id`. PermissionDenied when the store's state does not
// verify; NotFound for an unknown approval.
StatusOr<std::string> ExportVerificationBundle(Store& store, const PlaneOptions& options,
                                               const std::string& approval_id);

struct BundleGateRequest {
  std::string environment;
  std::string scope;
  std::optional<std::string> artifact_path;  // hashed and compared with the subject
  int64_t now = 0;                           // Unix seconds; 0: the wall clock
  // The oldest snapshot this host accepts, in seconds, when shorter than the
  // admins' window: a bundle keeps no mark, so this bounds how long an old
  // bundle (a freeze) can keep passing. 0: the admins' window.
  int64_t max_snapshot_age_seconds = 0;
};

// Runs every gate of kGateNames on the bundle, trusting only `pinned_root`.
// A malformed bundle is InvalidArgument naming the field; anything that does
// not verify is a failed gate.
StatusOr<PromotionResult> VerifyVerificationBundle(std::string_view bundle,
                                                   const Envelope& pinned_root,
                                                   const BundleGateRequest& request);

}  // namespace governance

#endif  // GOVERNANCE_VERIFICATION_BUNDLE_H_
