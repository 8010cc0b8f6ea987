#include "core/digest.h"
#include "governance/authority.h"
#include "governance/coordinator.h"
#include "governance/statements.h"
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

// Records the decision (and the deployment, signed by the deployer, when
// allowed) in `txn`.
Status Record(StoreTransaction& txn, const GovernanceState& state, const GateInputs& in,
              const std::string& actor, const PrivateKey* deployer, const std::string& reason,
              const std::string& requested_by, PromotionResult& result, LedgerEntry* appended) {
  nlohmann::json details = GateSummary(result);
  if (!requested_by.empty()) details["requested_by"] = requested_by;
  if (!reason.empty()) details["reason"] = reason;
  if (in.kind != "verify") {
    StoreFacts facts(txn);
    GOV_ASSIGN_OR_RETURN(VerifiedHistory history,
                         VerifyHistory(state, facts, result.model_id, result.environment));
    if (const Deployment* current = history.current()) {
      result.previous_approval_id = current->approval_id;
      details["previous_approval_id"] = current->approval_id;
    }
    if (result.promoted) {
      DeploymentStatement s;
      Deployment& d = s.deployment;
      d.environment = result.environment;
      d.model_id = result.model_id;
      d.model_version = result.model_version;
      d.approval_id = result.approval_id;
      d.artifact_digest = in.artifact_digest.value_or("");
      d.deployed_by = actor;
      d.deployed_at = in.now;
      d.kind = in.kind;
      s.domain = state.domain();
      s.previous = history.current() ? DeploymentDigest(*history.current()) : std::string();
      s.reason = reason;
      d.envelope = {std::string(kDeploymentPayloadType), DeploymentPayload(s), {}};
      AddSignature(d.envelope, *deployer);
      GOV_ASSIGN_OR_RETURN(int64_t id, txn.AddDeployment(d));
      details["deployment_id"] = id;
      details["deployment_digest"] = DeploymentDigest(d);
    }
  }
  if (in.artifact_digest) details["artifact_digest"] = *in.artifact_digest;
  GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                       txn.AppendLedger({in.kind + (result.promoted ? ".allowed" : ".denied"),
                                         actor, result.approval_id, std::move(details)}));
  result.ledger_sequence = e.sequence;
  *appended = e;
  return Status();
}

}  // namespace

ServingPlane::ServingPlane(Store& store, PlaneOptions options)
    : store_(store), options_(std::move(options)) {}

StatusOr<PromotionResult> ServingPlane::Run(const GateRequest& request, const PrivateKey* deployer,
                                            const std::string& requested_by,
                                            const std::string& kind, const std::string& reason,
                                            bool record) {
  if (request.approval_id.empty()) return InvalidArgumentError("no approval id given");
  if (request.environment.empty()) return InvalidArgumentError("no environment given");
  GateInputs in;
  in.approval_id = request.approval_id;
  in.environment = request.environment;
  in.scope = request.scope;
  in.envelope = request.envelope;
  in.kind = kind;
  if (request.artifact_path) {
    // Hash outside the transaction: slow, and independent of the store.
    GOV_ASSIGN_OR_RETURN(ArtifactDigest d, HashArtifact(*request.artifact_path, VerifyingHashOptions()));
    in.artifact_digest = d.digest;
    in.artifact_origin = "artifact " + *request.artifact_path;
  } else if (request.artifact_digest) {
    in.artifact_digest = *request.artifact_digest;
    in.artifact_origin = "the recorded artifact";
  }
  PromotionResult result;
  LedgerEntry appended;
  auto run = [&](StoreTransaction& txn) -> Status {
    in.now = NowUnder(options_.clock);
    StateVerdict verdict;
    if (options_.trust) {
      StateCheck check;
      check.max_snapshot_age_seconds = options_.max_snapshot_age_seconds;
      GOV_ASSIGN_OR_RETURN(verdict, VerifyStoreState(txn, *options_.trust, in.now, check));
    } else {
      verdict.trust_problem = "no trust anchor: pin the governance root (PlaneOptions::trust)";
    }
    StoreFacts facts(txn);
    GOV_ASSIGN_OR_RETURN(result, EvaluateGate(verdict, facts, in));
    std::string actor = kUnsignedActor;
    if (deployer) {
      Authority who;
      who.refusal = "not checked: the governance state does not verify";
      if (verdict.trusted()) who = CheckAuthority(verdict.state, deployer->keyid(), Role::kDeployer);
      actor = ActorName(who, *deployer);
      GOV_ASSIGN_OR_RETURN(ApprovalRecord stored, facts.Approval(in.approval_id));
      auto a = ParseApprovalStatement(stored.envelope.payload, "approval " + in.approval_id);
      if (a.ok() && verdict.trusted()) {
        CheckDeployer(verdict.state, who, *a, result);
      } else {
        result.gates.push_back({"deployer", false, false, who.refusal});
        result.promoted = false;
      }
    }
    // Nothing is recorded on top of a state that does not verify.
    if (!record || !verdict.ok()) return Status();
    return Record(txn, verdict.state, in, actor, deployer, reason, requested_by, result, &appended);
  };
  GOV_RETURN_IF_ERROR(record ? store_.Transact(run) : store_.Read(run));
  RememberWritten(options_, appended);
  return result;
}

StatusOr<PromotionResult> ServingPlane::Verify(const GateRequest& request,
                                               const std::string& requested_by) {
  return Run(request, nullptr, requested_by, "verify", "", true);
}

StatusOr<PromotionResult> ServingPlane::Assess(const GateRequest& request) {
  return Run(request, nullptr, "", "verify", "", false);
}

StatusOr<PromotionResult> ServingPlane::Deploy(const GateRequest& request,
                                               const PrivateKey& deployer) {
  if (!request.artifact_path) {
    return InvalidArgumentError("deploying needs the artifact, to hash it against the approval");
  }
  return Run(request, &deployer, "", "deploy", "", true);
}

StatusOr<PromotionResult> ServingPlane::Rollback(const std::string& model_id,
                                                 const std::string& environment,
                                                 const std::string& reason,
                                                 const PrivateKey& deployer) {
  if (reason.empty()) return InvalidArgumentError("a rollback needs a reason, for the record");
  std::vector<Deployment> history;
  const int64_t now = NowUnder(options_.clock);
  GOV_RETURN_IF_ERROR(store_.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    StoreFacts facts(txn);
    GOV_ASSIGN_OR_RETURN(VerifiedHistory h, VerifyHistory(state, facts, model_id, environment));
    if (!h.problem.empty()) return PermissionDeniedError(h.problem);
    history = std::move(h.deployments);
    return Status();
  }));
  if (history.empty()) {
    return NotFoundError("model " + model_id + " has never been deployed to " + environment);
  }
  // The newest earlier signed deployment of a different approval that still passes.
  std::optional<PromotionResult> last_denied;
  for (size_t i = 1; i < history.size(); ++i) {
    const Deployment& candidate = history[i];
    if (candidate.approval_id == history[0].approval_id || candidate.envelope.payload.empty()) {
      continue;
    }
    GateRequest request;
    request.approval_id = candidate.approval_id;
    request.environment = environment;
    request.artifact_digest = candidate.artifact_digest;
    GOV_ASSIGN_OR_RETURN(PromotionResult r, Run(request, &deployer, "", "rollback", reason, true));
    if (r.promoted) return r;
    if (!last_denied) last_denied = std::move(r);
  }
  if (last_denied) return *last_denied;
  return NotFoundError("model " + model_id + " has no earlier approved deployment in " +
                       environment + " to roll back to");
}

}  // namespace governance
