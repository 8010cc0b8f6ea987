// The serving gate: every check of DESIGN.md, run in order, all reported.
#ifndef GOVERNANCE_SRC_SERVING_GATE_H_
#define GOVERNANCE_SRC_SERVING_GATE_H_

#include <optional>
#include <string>

#include "governance/coordinator.h"
#include "governance/store.h"
#include "governance/types.h"

namespace governance {

struct GateInputs {
  std::string approval_id;
  std::string environment;
  std::string scope;
  // The envelope to judge; the stored one when not given.
  std::optional<Envelope> envelope;
  // What the artifact hashes to now; nullopt when no artifact was given.
  std::optional<std::string> artifact_digest;
  std::string artifact_origin;  // where the digest came from, for reasons
  int64_t now = 0;
};

// Runs every gate of kGateNames against the store's view in `txn`. NotFound
// when the approval id is unknown; every other problem is a failed gate.
StatusOr<PromotionResult> EvaluateGate(StoreTransaction& txn, const GateInputs& inputs);

}  // namespace governance

#endif  // GOVERNANCE_SRC_SERVING_GATE_H_
