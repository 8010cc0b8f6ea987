#include "core/digest.h"
#include "core/document.h"
#include "core/random_id.h"
#include "governance/authority.h"
#include "governance/coordinator.h"
#include "governance/policy_validator.h"

namespace governance {

StatusOr<SignedTrainingOutput> ParseTrainingOutputEnvelope(std::string_view json,
                                                           std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(Envelope env, ParseEnvelope(json, origin));
  if (env.payload_type != kTrainingOutputPayloadType) {
    return InvalidArgumentError(std::string(origin) + ": /payloadType is \"" + env.payload_type +
                                "\", not a training output (" +
                                std::string(kTrainingOutputPayloadType) + ")");
  }
  const std::string payload_origin = std::string(origin) + " (payload)";
  GOV_ASSIGN_OR_RETURN(nlohmann::json payload, ParseJson(env.payload, payload_origin));
  GOV_ASSIGN_OR_RETURN(TrainingOutput out, TrainingOutputFromJson(payload, payload_origin));
  SignedTrainingOutput signed_out{std::move(out), std::move(env), ""};
  signed_out.digest = Sha256DigestOf(signed_out.envelope.payload);
  return signed_out;
}

TrainingPlane::TrainingPlane(Store& store, PlaneOptions options)
    : store_(store), options_(std::move(options)) {}

StatusOr<SignedTrainingOutput> TrainingPlane::Record(const TrainingRequest& request,
                                                     const PrivateKey& trainer) {
  if (request.model_id.empty()) return InvalidArgumentError("training output needs a model id");
  if (request.model_version.empty()) {
    return InvalidArgumentError("training output needs a model version");
  }
  if (!request.metrics.is_object()) {
    return InvalidArgumentError("metrics must be an object of name: number");
  }
  for (const auto& [name, value] : request.metrics.items()) {
    if (!value.is_number()) {
      return InvalidArgumentError("metrics: /" + name + " must be a number");
    }
  }
  GOV_RETURN_IF_ERROR(CheckFiniteNumbers(request.metrics, "metrics"));
  GOV_RETURN_IF_ERROR(CheckFiniteNumbers(request.manifest, "manifest"));
  if (!request.manifest.is_object()) return InvalidArgumentError("manifest must be an object");
  if (request.manifest.contains(kPolicyFactsKey)) {
    return InvalidArgumentError(
        "manifest: /mgov is reserved: policy reads the facts mgov records about the artifact "
        "there (input.mgov.artifact), and a manifest may not supply them; rename the key");
  }

  GOV_RETURN_IF_ERROR(CheckDecisionStack(request.decision_stack));
  if (request.release_notes) {
    // The same rules as a release record read back from a signed output.
    GOV_RETURN_IF_ERROR(
        ReleaseNotesFromJson(ToJson(*request.release_notes), "release notes").status());
  }

  // Hash and inspect before the transaction: it is the slow part and
  // touches no state.
  GOV_ASSIGN_OR_RETURN(InspectedArtifact inspected,
                       InspectArtifact(request.artifact_path, request.inspect_options,
                                       request.hash_options));
  ArtifactDigest& artifact = inspected.digest;

  SignedTrainingOutput result;
  const int64_t now = NowUnder(options_.clock);
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    Authority who = CheckAuthority(state, trainer.keyid(), Role::kTrainer);
    if (!who.allowed()) return PermissionDeniedError("cannot record training: " + who.refusal);
    TrainingOutput& out = result.output;
    out.model_id = request.model_id;
    out.model_version = request.model_version;
    out.artifact = artifact;
    out.artifact_facts = inspected.facts;
    out.metrics = request.metrics;
    out.manifest = request.manifest;
    out.trainer = who.key->identity;
    out.trainer_keyid = trainer.keyid();
    out.correlation_id =
        request.correlation_id.empty() ? RandomId("corr-") : request.correlation_id;
    out.created_at = now;
    out.decision_stack = request.decision_stack;
    out.release_notes = request.release_notes;
    result.envelope = {std::string(kTrainingOutputPayloadType), CanonicalJson(ToJson(out)), {}};
    AddSignature(result.envelope, trainer);
    result.digest = Sha256DigestOf(result.envelope.payload);
    GOV_RETURN_IF_ERROR(txn.PutTrainingOutput(
        {result.digest, out.model_id, out.model_version, result.envelope}));
    GOV_RETURN_IF_ERROR(txn.AppendLedger({"training.recorded", out.trainer, out.model_id,
                                          {{"model_version", out.model_version},
                                           {"artifact_digest", out.artifact.digest},
                                           {"training_output_digest", result.digest},
                                           {"correlation_id", out.correlation_id}}})
                            .status());
    return request.before_commit ? request.before_commit(result.envelope) : Status();
  }));
  return result;
}

}  // namespace governance
