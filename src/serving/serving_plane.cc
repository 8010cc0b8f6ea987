#include "governance/authority.h"
#include "governance/coordinator.h"
#include "serving/gate.h"

namespace governance {
namespace {

nlohmann::json GateSummary(const PromotionResult& r) {
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& g : r.gates) {
    if (!g.passed) failed.push_back({{"gate", g.name}, {"reason", g.reason}});
  }
  return {{"environment", r.environment},   {"scope", r.scope},
          {"model_id", r.model_id},         {"model_version", r.model_version},
          {"approvers", r.verified_approvers}, {"failed_gates", std::move(failed)}};
}

// The deployer's own check, appended to the gate's.
Status CheckDeployer(StoreTransaction& txn, const PrivateKey& deployer, PromotionResult& result,
                     std::string& actor) {
  GOV_ASSIGN_OR_RETURN(Authority who, CheckAuthority(txn, deployer.keyid(), Role::kDeployer));
  if (who.key) actor = who.key->identity;
  GateCheck g{"deployer", who.allowed(), false, ""};
  if (!who.allowed()) {
    g.reason = who.refusal;
  } else {
    GOV_ASSIGN_OR_RETURN(ApprovalRecord record, txn.GetApproval(result.approval_id));
    auto a = ParseApprovalStatement(record.envelope.payload, "approval " + result.approval_id);
    if (a.ok() && a->trainer == who.key->identity) {
      g.passed = false;
      g.reason = "separation of duties: " + who.key->identity +
                 " trained this model and cannot deploy it";
    } else {
      g.reason = who.key->identity + " holds the deployer role";
    }
  }
  result.gates.push_back(std::move(g));
  result.promoted = result.FirstFailure() == nullptr;
  return Status();
}

// Records the decision (and the deployment, when allowed) in `txn`.
Status Record(StoreTransaction& txn, const std::string& kind, const std::string& actor,
              const std::optional<std::string>& artifact_digest, int64_t now,
              PromotionResult& result) {
  nlohmann::json details = GateSummary(result);
  if (kind != "verify") {
    GOV_ASSIGN_OR_RETURN(auto history, txn.DeploymentHistory(result.model_id, result.environment));
    if (!history.empty()) {
      result.previous_approval_id = history.front().approval_id;
      details["previous_approval_id"] = history.front().approval_id;
    }
    if (result.promoted) {
      Deployment d;
      d.environment = result.environment;
      d.model_id = result.model_id;
      d.model_version = result.model_version;
      d.approval_id = result.approval_id;
      d.artifact_digest = artifact_digest.value_or("");
      d.deployed_by = actor;
      d.deployed_at = now;
      d.kind = kind;
      GOV_ASSIGN_OR_RETURN(int64_t id, txn.AddDeployment(d));
      details["deployment_id"] = id;
    }
  }
  if (artifact_digest) details["artifact_digest"] = *artifact_digest;
  GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                       txn.AppendLedger({kind + (result.promoted ? ".allowed" : ".denied"), actor,
                                         result.approval_id, std::move(details)}));
  result.ledger_sequence = e.sequence;
  return Status();
}

}  // namespace

ServingPlane::ServingPlane(Store& store, PlaneOptions options)
    : store_(store), options_(std::move(options)) {}

StatusOr<PromotionResult> ServingPlane::Run(const GateRequest& request, const PrivateKey* deployer,
                                            const std::string& actor_name, const std::string& kind,
                                            const std::optional<std::string>& recorded_digest) {
  if (request.approval_id.empty()) return InvalidArgumentError("no approval id given");
  if (request.environment.empty()) return InvalidArgumentError("no environment given");
  GateInputs in;
  in.approval_id = request.approval_id;
  in.environment = request.environment;
  in.scope = request.scope;
  in.envelope = request.envelope;
  if (request.artifact_path) {
    // Hash outside the transaction: slow, and independent of the store.
    GOV_ASSIGN_OR_RETURN(ArtifactDigest d, HashArtifact(*request.artifact_path));
    in.artifact_digest = d.digest;
    in.artifact_origin = "artifact " + *request.artifact_path;
  } else if (recorded_digest) {
    in.artifact_digest = *recorded_digest;
    in.artifact_origin = "the recorded artifact";
  }
  PromotionResult result;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    in.now = NowUnder(options_.clock);
    GOV_ASSIGN_OR_RETURN(result, EvaluateGate(txn, in));
    std::string actor = actor_name;
    if (deployer) GOV_RETURN_IF_ERROR(CheckDeployer(txn, *deployer, result, actor));
    return Record(txn, kind, actor, in.artifact_digest, in.now, result);
  }));
  return result;
}

StatusOr<PromotionResult> ServingPlane::Verify(const GateRequest& request,
                                               const std::string& actor) {
  return Run(request, nullptr, actor, "verify", std::nullopt);
}

StatusOr<PromotionResult> ServingPlane::Deploy(const GateRequest& request,
                                               const PrivateKey& deployer) {
  if (!request.artifact_path) {
    return InvalidArgumentError("deploying needs the artifact, to hash it against the approval");
  }
  return Run(request, &deployer, "key:" + deployer.keyid().substr(0, 16), "deploy", std::nullopt);
}

StatusOr<PromotionResult> ServingPlane::Rollback(const std::string& model_id,
                                                 const std::string& environment,
                                                 const PrivateKey& deployer) {
  std::vector<Deployment> history;
  GOV_RETURN_IF_ERROR(store_.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(history, txn.DeploymentHistory(model_id, environment));
    return Status();
  }));
  if (history.empty()) {
    return NotFoundError("model " + model_id + " has never been deployed to " + environment);
  }
  // The newest earlier deployment of a different approval that still passes.
  std::optional<PromotionResult> last_denied;
  for (size_t i = 1; i < history.size(); ++i) {
    const Deployment& candidate = history[i];
    if (candidate.approval_id == history[0].approval_id) continue;
    GateRequest request;
    request.approval_id = candidate.approval_id;
    request.environment = environment;
    GOV_ASSIGN_OR_RETURN(PromotionResult r,
                         Run(request, &deployer, "key:" + deployer.keyid().substr(0, 16),
                             "rollback", candidate.artifact_digest));
    if (r.promoted) return r;
    if (!last_denied) last_denied = std::move(r);
  }
  if (last_denied) return *last_denied;
  return NotFoundError("model " + model_id + " has no earlier approved deployment in " +
                       environment + " to roll back to");
}

}  // namespace governance
