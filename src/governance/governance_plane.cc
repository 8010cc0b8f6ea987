#include <algorithm>
#include <optional>

#include "core/digest.h"
#include "core/document.h"
#include "core/parallel.h"
#include "core/random_id.h"
#include "core/time.h"
#include "governance/authority.h"
#include "governance/coordinator.h"
#include "governance/quorum.h"

namespace governance {
namespace {

// Records a refused action in its own transaction, then returns `refusal`.
Status RecordRefusal(Store& store, const std::string& type, const std::string& actor,
                     const std::string& subject, const Status& refusal) {
  Status s = store.Transact([&](StoreTransaction& txn) {
    return txn.AppendLedger({type, actor, subject, {{"reason", refusal.message()}}}).status();
  });
  return s.ok() ? refusal : s;
}

// The identity behind `key`, or its short key id when it is not enrolled.
std::string ActorName(const Authority& who, const PrivateKey& key) {
  return who.key ? who.key->identity : "key:" + key.keyid().substr(0, 16);
}

// The trainer's signature on a training output: by an enrolled, unrevoked
// trainer key of the identity the output names, and valid.
StatusOr<std::string> CheckTrainerSignature(StoreTransaction& txn, const Envelope& env,
                                            const TrainingOutput& out) {
  for (const auto& sig : env.signatures) {
    if (sig.keyid != out.trainer_keyid) continue;
    GOV_ASSIGN_OR_RETURN(Authority who, CheckAuthority(txn, sig.keyid, Role::kTrainer));
    if (!who.allowed()) return "training output signer: " + who.refusal;
    if (who.key->identity != out.trainer) {
      return "training output names trainer \"" + out.trainer + "\" but key " +
             sig.keyid.substr(0, 16) + " belongs to \"" + who.key->identity + "\"";
    }
    auto pub = PublicKey::FromPem(who.key->public_key_pem, "enrolled key");
    if (!pub.ok() || !VerifySignature(env, sig, *pub)) {
      return std::string("the trainer's signature on the training output does not verify "
                         "(the training output was altered)");
    }
    return std::string();
  }
  return "the training output carries no signature by its trainer key " +
         out.trainer_keyid.substr(0, 16);
}

}  // namespace

GovernancePlane::GovernancePlane(Store& store, PlaneOptions options, ApprovalValidator* validator)
    : store_(store), options_(std::move(options)), validator_(validator) {}

StatusOr<ApprovalOutcome> GovernancePlane::Approve(const Envelope& training_output,
                                                   const ApprovalRequest& request,
                                                   const PrivateKey& approver) {
  if (training_output.payload_type != kTrainingOutputPayloadType) {
    return InvalidArgumentError("training output envelope has payloadType \"" +
                                training_output.payload_type + "\", want " +
                                std::string(kTrainingOutputPayloadType));
  }
  GOV_ASSIGN_OR_RETURN(nlohmann::json payload,
                       ParseJson(training_output.payload, "training output payload"));
  GOV_ASSIGN_OR_RETURN(TrainingOutput out,
                       TrainingOutputFromJson(payload, "training output payload"));
  if (request.environments.empty()) {
    return InvalidArgumentError("an approval needs at least one environment");
  }
  const int64_t now = NowUnder(options_.clock);

  GovernanceConfig config;
  GOV_RETURN_IF_ERROR(store_.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(config, LoadGovernanceConfig(txn));
    return Status();
  }));
  const int64_t ttl = request.ttl_seconds.value_or(config.default_ttl_seconds);
  if (ttl <= 0) return InvalidArgumentError("approval TTL must be positive");
  int floor = 1;
  for (const auto& env : request.environments) {
    const EnvironmentRule* rule = config.Find(env);
    if (!rule) {
      std::vector<std::string> known;
      for (const auto& e : config.environments) known.push_back(e.name);
      return InvalidArgumentError("unknown environment \"" + env + "\" (known: " +
                                  JoinList(known, ", ") + ")");
    }
    if (ttl > rule->max_ttl_seconds) {
      return InvalidArgumentError("TTL " + FormatDuration(ttl) + " exceeds the maximum of " +
                                  FormatDuration(rule->max_ttl_seconds) + " for " + env);
    }
    floor = std::max(floor, rule->min_approvers);
  }
  if (request.required_approvers < 0 || request.required_approvers > 100) {
    return InvalidArgumentError("quorum must be 1 to 100");
  }

  std::optional<ApprovalValidator::Decision> decision;
  if (validator_) {
    GOV_ASSIGN_OR_RETURN(decision, validator_->Validate(out, now));
  }

  ApprovalOutcome outcome;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    outcome = ApprovalOutcome();
    GOV_ASSIGN_OR_RETURN(std::string trainer_problem,
                         CheckTrainerSignature(txn, training_output, out));
    if (!trainer_problem.empty()) outcome.denials.push_back(trainer_problem);
    GOV_ASSIGN_OR_RETURN(Authority who, CheckAuthority(txn, approver.keyid(), Role::kApprover));
    if (!who.allowed()) {
      outcome.denials.push_back("approver: " + who.refusal);
    } else if (who.key->identity == out.trainer) {
      outcome.denials.push_back("separation of duties: " + out.trainer +
                                " trained this model and cannot approve it");
    }
    GOV_ASSIGN_OR_RETURN(auto model_revoked,
                         txn.FindRevocation(Revocation::Kind::kModel, out.model_id));
    if (model_revoked) {
      outcome.denials.push_back("model " + out.model_id + " is revoked: " + model_revoked->reason);
    }
    if (decision) {
      outcome.warnings = decision->record.warnings;
      for (const auto& d : decision->denials) outcome.denials.push_back("policy: " + d);
      if (!decision->allowed && decision->denials.empty()) {
        outcome.denials.push_back("policy: denied");
      }
    }
    const std::string actor = ActorName(who, approver);
    const std::string training_digest = Sha256DigestOf(training_output.payload);
    if (!outcome.denials.empty()) {
      GOV_ASSIGN_OR_RETURN(
          LedgerEntry e,
          txn.AppendLedger({"approval.denied", actor, out.model_id,
                            {{"model_version", out.model_version},
                             {"training_output_digest", training_digest},
                             {"environments", request.environments},
                             {"denials", outcome.denials},
                             {"policy_bundle",
                              decision ? decision->record.bundle_digest : std::string()}}}));
      outcome.ledger_sequence = e.sequence;
      return Status();
    }
    ModelApproval& a = outcome.approval;
    a.approval_id = RandomId("apv-");
    a.model_id = out.model_id;
    a.model_version = out.model_version;
    a.artifact_digest = out.artifact.digest;
    a.environments = request.environments;
    a.scopes = request.scopes;
    a.issued_at = now;
    a.not_before = request.not_before.value_or(now);
    a.expires_at = a.not_before + ttl;
    a.required_approvers = std::max(floor, request.required_approvers);
    if (decision) a.policy = decision->record;
    a.training_output_digest = training_digest;
    a.trainer = out.trainer;
    a.decision_stack = out.decision_stack;
    outcome.envelope = {std::string(kInTotoPayloadType), ApprovalStatement(a), {}};
    AddSignature(outcome.envelope, approver);
    GOV_RETURN_IF_ERROR(txn.PutTrainingOutput(
        {training_digest, out.model_id, out.model_version, training_output}));
    GOV_RETURN_IF_ERROR(txn.PutApproval({a.approval_id, a.model_id, a.model_version,
                                         a.artifact_digest, outcome.envelope, now}));
    GOV_ASSIGN_OR_RETURN(
        LedgerEntry e,
        txn.AppendLedger({"approval.issued", actor, a.approval_id,
                          {{"model_id", a.model_id},
                           {"model_version", a.model_version},
                           {"artifact_digest", a.artifact_digest},
                           {"environments", a.environments},
                           {"expires_at", FormatRfc3339(a.expires_at)},
                           {"required_approvers", a.required_approvers},
                           {"policy_bundle", a.policy.bundle_digest},
                           {"warnings", a.policy.warnings}}}));
    outcome.approved = true;
    outcome.ledger_sequence = e.sequence;
    return Status();
  }));
  return outcome;
}

StatusOr<CosignOutcome> GovernancePlane::Cosign(const std::string& approval_id,
                                                const PrivateKey& approver) {
  CosignOutcome outcome;
  std::string actor = "key:" + approver.keyid().substr(0, 16);
  Status s = store_.Transact([&](StoreTransaction& txn) -> Status {
    outcome = CosignOutcome();
    GOV_ASSIGN_OR_RETURN(ApprovalRecord record, txn.GetApproval(approval_id));
    GOV_ASSIGN_OR_RETURN(ModelApproval a, ParseApprovalStatement(record.envelope.payload,
                                                                 "approval " + approval_id));
    GOV_ASSIGN_OR_RETURN(Authority who, CheckAuthority(txn, approver.keyid(), Role::kApprover));
    if (who.key) actor = who.key->identity;
    if (!who.allowed()) return PermissionDeniedError("cannot co-sign: " + who.refusal);
    if (who.key->identity == a.trainer) {
      return PermissionDeniedError("separation of duties: " + a.trainer +
                                   " trained this model and cannot approve it");
    }
    GOV_ASSIGN_OR_RETURN(auto revoked, txn.FindRevocation(Revocation::Kind::kApproval, approval_id));
    if (revoked) {
      return FailedPreconditionError("approval " + approval_id + " is revoked: " + revoked->reason);
    }
    GOV_ASSIGN_OR_RETURN(auto model_revoked, txn.FindRevocation(Revocation::Kind::kModel, a.model_id));
    if (model_revoked) {
      return FailedPreconditionError("model " + a.model_id + " is revoked: " +
                                     model_revoked->reason);
    }
    if (NowUnder(options_.clock) >= a.expires_at) {
      return FailedPreconditionError("approval " + approval_id + " expired at " +
                                     FormatRfc3339(a.expires_at));
    }
    GOV_ASSIGN_OR_RETURN(QuorumCount before, CountQuorum(txn, record.envelope, a.trainer));
    if (std::find(before.approvers.begin(), before.approvers.end(), who.key->identity) !=
        before.approvers.end()) {
      return AlreadyExistsError(who.key->identity + " already approved " + approval_id +
                                "; a second key of the same identity adds nothing");
    }
    EnvelopeSignature sig{approver.keyid(),
                          approver.Sign(PreAuthEncoding(record.envelope.payload_type,
                                                        record.envelope.payload))};
    GOV_RETURN_IF_ERROR(txn.AddApprovalSignature(approval_id, sig));
    record.envelope.signatures.push_back(sig);
    GOV_ASSIGN_OR_RETURN(QuorumCount after, CountQuorum(txn, record.envelope, a.trainer));
    GOV_ASSIGN_OR_RETURN(GovernanceConfig config, LoadGovernanceConfig(txn));
    outcome.distinct_approvers = static_cast<int>(after.approvers.size());
    outcome.required_approvers = RequiredApprovers(a, config, a.environments);
    outcome.quorum_met = outcome.distinct_approvers >= outcome.required_approvers;
    GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                         txn.AppendLedger({"approval.cosigned", actor, approval_id,
                                           {{"keyid", approver.keyid()},
                                            {"distinct_approvers", outcome.distinct_approvers},
                                            {"required_approvers", outcome.required_approvers}}}));
    outcome.ledger_sequence = e.sequence;
    return Status();
  });
  if (s.code() == StatusCode::kPermissionDenied) {
    return RecordRefusal(store_, "approval.cosign-denied", actor, approval_id, s);
  }
  GOV_RETURN_IF_ERROR(s);
  return outcome;
}

namespace {

StatusOr<int64_t> Revoke(Store& store, const PlaneOptions& options, Revocation::Kind kind,
                         const std::string& target, const std::string& reason,
                         const PrivateKey& actor_key) {
  if (reason.empty()) return InvalidArgumentError("a revocation needs a reason");
  const char* what = kind == Revocation::Kind::kApproval ? "approval" : "model";
  std::string actor = "key:" + actor_key.keyid().substr(0, 16);
  int64_t sequence = 0;
  Status s = store.Transact([&](StoreTransaction& txn) -> Status {
    if (kind == Revocation::Kind::kApproval) {
      GOV_RETURN_IF_ERROR(txn.GetApproval(target).status());
    } else {
      GOV_ASSIGN_OR_RETURN(auto approvals, txn.ListApprovals(target));
      if (approvals.empty()) return NotFoundError("no approvals for model " + target);
    }
    GOV_ASSIGN_OR_RETURN(Authority approver, CheckAuthority(txn, actor_key.keyid(), Role::kApprover));
    GOV_ASSIGN_OR_RETURN(Authority deployer, CheckAuthority(txn, actor_key.keyid(), Role::kDeployer));
    if (approver.key) actor = approver.key->identity;
    if (!approver.allowed() && !deployer.allowed()) {
      return PermissionDeniedError(std::string("cannot revoke: ") +
                                   (approver.key && approver.key->revoked
                                        ? approver.refusal
                                        : "the key needs the approver or deployer role (" +
                                              approver.refusal + ")"));
    }
    GOV_RETURN_IF_ERROR(
        txn.PutRevocation({kind, target, reason, actor, NowUnder(options.clock)}));
    GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                         txn.AppendLedger({std::string(what) + ".revoked", actor, target,
                                           {{"reason", reason}}}));
    sequence = e.sequence;
    return Status();
  });
  if (s.code() == StatusCode::kPermissionDenied) {
    return RecordRefusal(store, std::string(what) + ".revoke-denied", actor, target, s);
  }
  GOV_RETURN_IF_ERROR(s);
  return sequence;
}

}  // namespace

StatusOr<int64_t> GovernancePlane::RevokeApproval(const std::string& approval_id,
                                                  const std::string& reason,
                                                  const PrivateKey& actor) {
  return Revoke(store_, options_, Revocation::Kind::kApproval, approval_id, reason, actor);
}

StatusOr<int64_t> GovernancePlane::RevokeModel(const std::string& model_id,
                                               const std::string& reason,
                                               const PrivateKey& actor) {
  return Revoke(store_, options_, Revocation::Kind::kModel, model_id, reason, actor);
}

}  // namespace governance

namespace governance {

StatusOr<std::vector<GovernancePlane::Reevaluation>> GovernancePlane::ReevaluateDeployed(
    const PrivateKey* revoker) {
  if (!validator_) return FailedPreconditionError("re-evaluation needs a policy bundle");
  const int64_t now = NowUnder(options_.clock);
  struct Target {
    Deployment deployment;
    TrainingOutput output;
  };
  std::vector<Target> targets;
  GOV_RETURN_IF_ERROR(store_.Read([&](StoreTransaction& txn) -> Status {
    targets.clear();
    GOV_ASSIGN_OR_RETURN(auto deployments, txn.CurrentDeployments());
    for (auto& d : deployments) {
      GOV_ASSIGN_OR_RETURN(ApprovalRecord record, txn.GetApproval(d.approval_id));
      GOV_ASSIGN_OR_RETURN(ModelApproval a, ParseApprovalStatement(record.envelope.payload,
                                                                   "approval " + d.approval_id));
      GOV_ASSIGN_OR_RETURN(TrainingOutputRecord t, txn.GetTrainingOutput(a.training_output_digest));
      GOV_ASSIGN_OR_RETURN(nlohmann::json payload, ParseJson(t.envelope.payload, t.digest));
      GOV_ASSIGN_OR_RETURN(TrainingOutput out, TrainingOutputFromJson(payload, t.digest));
      targets.push_back({std::move(d), std::move(out)});
    }
    return Status();
  }));
  std::vector<std::optional<StatusOr<ApprovalValidator::Decision>>> decisions(targets.size());
  ParallelFor(targets.size(), validator_->concurrent() ? 0 : 1,
              [&](size_t i) { decisions[i] = validator_->Validate(targets[i].output, now); });
  std::vector<Reevaluation> results;
  for (size_t i = 0; i < targets.size(); ++i) {
    GOV_ASSIGN_OR_RETURN(ApprovalValidator::Decision d, std::move(*decisions[i]));
    results.push_back({targets[i].deployment, d.allowed, std::move(d.denials), false});
  }
  nlohmann::json findings = nlohmann::json::array();
  for (auto& r : results) {
    if (r.compliant) continue;
    if (revoker) {
      auto seq = RevokeApproval(r.deployment.approval_id,
                                "no longer complies with policy: " + JoinList(r.denials, "; "),
                                *revoker);
      if (seq.ok()) {
        r.revoked = true;
      } else if (seq.status().code() != StatusCode::kAlreadyExists) {
        return seq.status();
      }
    }
    findings.push_back({{"model_id", r.deployment.model_id},
                        {"environment", r.deployment.environment},
                        {"approval_id", r.deployment.approval_id},
                        {"denials", r.denials},
                        {"revoked", r.revoked}});
  }
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) {
    return txn
        .AppendLedger({"policy.reevaluated", revoker ? "key:" + revoker->keyid().substr(0, 16)
                                                     : LocalActor(),
                       "deployments",
                       {{"deployments", targets.size()}, {"non_compliant", findings}}})
        .status();
  }));
  return results;
}

}  // namespace governance
