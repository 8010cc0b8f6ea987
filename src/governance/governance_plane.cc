#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/digest.h"
#include "core/document.h"
#include "core/parallel.h"
#include "core/random_id.h"
#include "core/time.h"
#include "governance/authority.h"
#include "governance/coordinator.h"
#include "governance/policy_validator.h"
#include "governance/quorum.h"
#include "governance/required_policy.h"
#include "governance/statements.h"
#include "store/store_state.h"

namespace governance {
namespace {

// Records a refused action in its own transaction, then returns `refusal`.
// A refusal of the state itself is returned as it is: nothing is recorded on
// top of a store that does not verify.
Status RecordRefusal(Store& store, const std::string& type, const std::string& actor,
                     const std::string& subject, const Status& refusal) {
  if (IsStateRefusal(refusal)) return refusal;
  Status s = store.Transact([&](StoreTransaction& txn) {
    return txn.AppendLedger({type, actor, subject, {{"reason", refusal.message()}}}).status();
  });
  return s.ok() ? refusal : s;
}

// The trainer's signature on a training output: by an enrolled, unrevoked
// trainer key of the identity the output names, and valid. "" when it is.
std::string CheckTrainerSignature(const GovernanceState& state, const Envelope& env,
                                  const TrainingOutput& out) {
  for (const auto& sig : env.signatures) {
    if (sig.keyid != out.trainer_keyid) continue;
    Authority who = CheckAuthority(state, sig.keyid, Role::kTrainer);
    if (!who.allowed()) return "training output signer: " + who.refusal;
    if (who.key->identity != out.trainer) {
      return "training output names trainer \"" + out.trainer + "\" but key " +
             sig.keyid.substr(0, 16) + " belongs to \"" + who.key->identity + "\"";
    }
    auto pub = PublicKey::FromEnrolledPem(who.key->public_key_pem, "enrolled key");
    if (!pub.ok() || !VerifySignature(env, sig, *pub)) {
      return "the trainer's signature on the training output does not verify "
             "(the training output was altered)";
    }
    return "";
  }
  return "the training output carries no signature by its trainer key " +
         out.trainer_keyid.substr(0, 16);
}

// Why `model_id` or `artifact_digest` may not be approved: revoked. "" when not.
std::string RevokedBecause(const GovernanceState& state, const std::string& model_id,
                           const std::string& artifact_digest) {
  for (const auto& v : state.revocations) {
    if (v.kind == Revocation::Kind::kModel && v.target == model_id) {
      return "model " + model_id + " is revoked: " + v.reason;
    }
    if (std::find(v.artifact_digests.begin(), v.artifact_digests.end(), artifact_digest) !=
        v.artifact_digests.end()) {
      return "artifact " + artifact_digest.substr(0, 19) + "… was revoked with " +
             (v.kind == Revocation::Kind::kModel ? "model " : "approval ") + v.target + ": " +
             v.reason;
    }
  }
  return "";
}

// Evaluates the bundle the environments require on `out`; nullopt when none
// is required. An evaluation error is a denial: what cannot be evaluated is
// not allowed.
StatusOr<std::optional<PolicyValidator::Decision>> EvaluateRequired(
    StoreTransaction& txn, const GovernanceState& state, const std::vector<std::string>& envs,
    const TrainingOutput& out, int64_t now) {
  GOV_ASSIGN_OR_RETURN(std::string digest, RequiredBundleDigest(state.config, envs));
  if (digest.empty()) return std::optional<PolicyValidator::Decision>();
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle, LoadRequiredBundle(txn, digest));
  PolicyValidator validator(std::move(bundle));
  auto decision = validator.Validate(out, envs, now);
  if (decision.ok()) return std::optional<PolicyValidator::Decision>(std::move(*decision));
  PolicyValidator::Decision denied;
  denied.denials.push_back("the policy could not be evaluated: " + decision.status().message());
  denied.record.bundle_digest = digest;
  return std::optional<PolicyValidator::Decision>(std::move(denied));
}

StatusOr<TrainingOutput> ParseTrainingPayload(const Envelope& env, const std::string& origin) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json payload, ParseJson(env.payload, origin));
  return TrainingOutputFromJson(payload, origin);
}

}  // namespace

GovernancePlane::GovernancePlane(Store& store, PlaneOptions options)
    : store_(store), options_(std::move(options)) {}

StatusOr<ApprovalOutcome> GovernancePlane::Approve(const Envelope& training_output,
                                                   const ApprovalRequest& request,
                                                   const PrivateKey& approver) {
  if (training_output.payload_type != kTrainingOutputPayloadType) {
    return InvalidArgumentError("training output envelope has payloadType \"" +
                                training_output.payload_type + "\", want " +
                                std::string(kTrainingOutputPayloadType));
  }
  GOV_ASSIGN_OR_RETURN(TrainingOutput out,
                       ParseTrainingPayload(training_output, "training output payload"));
  if (request.environments.empty()) {
    return InvalidArgumentError("an approval needs at least one environment");
  }
  if (request.required_approvers < 0 || request.required_approvers > 100) {
    return InvalidArgumentError("quorum must be 1 to 100");
  }
  const int64_t now = NowUnder(options_.clock);
  if (request.not_before &&
      (*request.not_before < now || *request.not_before > now + kMaxApprovalLeadSeconds)) {
    return InvalidArgumentError("not-before must lie between now (" + FormatRfc3339(now) +
                                ") and a year from now (" +
                                FormatRfc3339(now + kMaxApprovalLeadSeconds) + ")");
  }
  ApprovalOutcome outcome;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    outcome = ApprovalOutcome();
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    const GovernanceConfig& config = state.config;
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
    GOV_ASSIGN_OR_RETURN(std::optional<PolicyValidator::Decision> decision,
                         EvaluateRequired(txn, state, request.environments, out, now));

    std::string trainer_problem = CheckTrainerSignature(state, training_output, out);
    if (!trainer_problem.empty()) outcome.denials.push_back(trainer_problem);
    Authority who = CheckAuthority(state, approver.keyid(), Role::kApprover);
    if (!who.allowed()) {
      outcome.denials.push_back("approver: " + who.refusal);
    } else if (who.key->identity == out.trainer) {
      outcome.denials.push_back("separation of duties: " + out.trainer +
                                " trained this model and cannot approve it");
    }
    std::string revoked = RevokedBecause(state, out.model_id, out.artifact.digest);
    if (!revoked.empty()) outcome.denials.push_back(revoked);
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
    a.domain = state.domain();
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
                           {"warnings", a.policy.warnings},
                           {"statement_digest", Sha256DigestOf(outcome.envelope.payload)},
                           {"training_output_digest", training_digest},
                           {"keyid", approver.keyid()}}}));
    outcome.approved = true;
    outcome.ledger_sequence = e.sequence;
    return request.before_commit ? request.before_commit(outcome.envelope) : Status();
  }));
  return outcome;
}

StatusOr<CosignOutcome> GovernancePlane::Cosign(const std::string& approval_id,
                                                const PrivateKey& approver) {
  CosignOutcome outcome;
  std::string actor = "key:" + approver.keyid().substr(0, 16);
  const int64_t now = NowUnder(options_.clock);
  Status s = store_.Transact([&](StoreTransaction& txn) -> Status {
    outcome = CosignOutcome();
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    GOV_ASSIGN_OR_RETURN(ApprovalRecord record, txn.GetApproval(approval_id));
    GOV_ASSIGN_OR_RETURN(ModelApproval a, ParseApprovalStatement(record.envelope.payload,
                                                                 "approval " + approval_id));
    Authority who = CheckAuthority(state, approver.keyid(), Role::kApprover);
    if (who.key) actor = who.key->identity;
    if (!who.allowed()) return PermissionDeniedError("cannot co-sign: " + who.refusal);
    if (who.key->identity == a.trainer) {
      return PermissionDeniedError("separation of duties: " + a.trainer +
                                   " trained this model and cannot approve it");
    }
    for (const auto& v : state.revocations) {
      if (v.kind == Revocation::Kind::kApproval && v.target == approval_id) {
        return FailedPreconditionError("approval " + approval_id + " is revoked: " + v.reason);
      }
    }
    std::string revoked = RevokedBecause(state, a.model_id, a.artifact_digest);
    if (!revoked.empty()) return FailedPreconditionError(revoked);
    if (now >= a.expires_at) {
      return FailedPreconditionError("approval " + approval_id + " expired at " +
                                     FormatRfc3339(a.expires_at));
    }
    QuorumCount before = CountQuorum(state, record.envelope, a.trainer);
    if (std::find(before.approvers.begin(), before.approvers.end(), who.key->identity) !=
        before.approvers.end()) {
      return PermissionDeniedError(who.key->identity + " already approved " + approval_id +
                                   "; a second signature of the same identity adds nothing");
    }
    // Every signer vouches for the policy decision: evaluate it again.
    GOV_ASSIGN_OR_RETURN(std::string required, RequiredBundleDigest(state.config, a.environments));
    if (required != a.policy.bundle_digest) {
      return PermissionDeniedError(
          "approval " + approval_id + " was evaluated with policy bundle " +
          (a.policy.bundle_digest.empty() ? std::string("none") : a.policy.bundle_digest) +
          ", but its environments now require " + (required.empty() ? "none" : required) +
          "; approve it again");
    }
    GOV_ASSIGN_OR_RETURN(TrainingOutputRecord t, txn.GetTrainingOutput(a.training_output_digest));
    GOV_ASSIGN_OR_RETURN(TrainingOutput out, ParseTrainingPayload(t.envelope, t.digest));
    std::string trainer_problem = CheckTrainerSignature(state, t.envelope, out);
    if (!trainer_problem.empty() || Sha256DigestOf(t.envelope.payload) != a.training_output_digest) {
      return PermissionDeniedError("cannot co-sign: the approval's training output does not "
                                   "verify: " + trainer_problem);
    }
    GOV_ASSIGN_OR_RETURN(std::optional<PolicyValidator::Decision> decision,
                         EvaluateRequired(txn, state, a.environments, out, now));
    if (decision && !decision->allowed) {
      return PermissionDeniedError("cannot co-sign: policy now denies " + a.model_id + ": " +
                                   JoinList(decision->denials, "; "));
    }
    EnvelopeSignature sig{approver.keyid(),
                          approver.Sign(PreAuthEncoding(record.envelope.payload_type,
                                                        record.envelope.payload))};
    GOV_RETURN_IF_ERROR(txn.AddApprovalSignature(approval_id, sig));
    record.envelope.signatures.push_back(sig);
    QuorumCount after = CountQuorum(state, record.envelope, a.trainer);
    outcome.distinct_approvers = static_cast<int>(after.approvers.size());
    outcome.required_approvers = RequiredApprovers(a, state.config, a.environments);
    outcome.quorum_met = outcome.distinct_approvers >= outcome.required_approvers;
    GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                         txn.AppendLedger({"approval.cosigned", actor, approval_id,
                                           {{"keyid", approver.keyid()},
                                            {"signature_digest", Sha256DigestOf(sig.sig)},
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

// The artifacts approved for `model_id`, from every approval statement whose
// signatures verify: not from the rows' model_id and artifact_digest
// columns, which a store writer could edit to keep an artifact out of the
// revocation and approve it again under another model id.
StatusOr<std::vector<std::string>> ApprovedArtifacts(StoreTransaction& txn,
                                                     const GovernanceState& state,
                                                     const std::string& model_id) {
  GOV_ASSIGN_OR_RETURN(std::vector<ApprovalRecord> approvals, txn.ListApprovals());
  std::set<std::string> artifacts;
  for (const auto& record : approvals) {
    auto a = ParseApprovalStatement(record.envelope.payload, "approval " + record.approval_id);
    if (!a.ok() || a->model_id != model_id) continue;
    QuorumCount q = CountQuorum(state, record.envelope, a->trainer);
    if (SignedByApprovers(q)) artifacts.insert(a->artifact_digest);
  }
  return std::vector<std::string>(artifacts.begin(), artifacts.end());
}

StatusOr<int64_t> Revoke(Store& store, const PlaneOptions& options, Revocation::Kind kind,
                         const std::string& target, const std::string& reason,
                         const PrivateKey& actor_key) {
  if (reason.empty()) return InvalidArgumentError("a revocation needs a reason");
  const char* what = kind == Revocation::Kind::kApproval ? "approval" : "model";
  std::string actor = "key:" + actor_key.keyid().substr(0, 16);
  const int64_t now = NowUnder(options.clock);
  int64_t sequence = 0;
  LedgerEntry appended;
  std::string line;
  Status s = store.Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options, now));
    Revocation v;
    v.kind = kind;
    v.target = target;
    v.reason = reason;
    v.revoked_at = now;
    if (kind == Revocation::Kind::kApproval) {
      GOV_RETURN_IF_ERROR(txn.GetApproval(target).status());
    } else {
      GOV_ASSIGN_OR_RETURN(v.artifact_digests, ApprovedArtifacts(txn, state, target));
      if (v.artifact_digests.empty()) return NotFoundError("no approvals for model " + target);
    }
    Authority approver = CheckAuthority(state, actor_key.keyid(), Role::kApprover);
    Authority deployer = CheckAuthority(state, actor_key.keyid(), Role::kDeployer);
    if (approver.key) actor = approver.key->identity;
    if (!approver.allowed() && !deployer.allowed()) {
      return PermissionDeniedError(std::string("cannot revoke: ") +
                                   (approver.key && approver.key->revoked
                                        ? approver.refusal
                                        : "the key needs the approver or deployer role (" +
                                              approver.refusal + ")"));
    }
    v.revoked_by = actor;
    v.envelope = {std::string(kRevocationPayloadType), RevocationPayload(v, state.domain()), {}};
    AddSignature(v.envelope, actor_key);
    GOV_RETURN_IF_ERROR(txn.PutRevocation(v));
    GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                         txn.AppendLedger({std::string(what) + ".revoked", actor, target,
                                           {{"reason", reason},
                                            {"artifact_digests", v.artifact_digests},
                                            {"revocation_digest",
                                             Sha256DigestOf(v.envelope.payload)}}}));
    sequence = e.sequence;
    appended = e;
    line = RevocationLine(v);
    return Status();
  });
  if (s.code() == StatusCode::kPermissionDenied) {
    return RecordRefusal(store, std::string(what) + ".revoke-denied", actor, target, s);
  }
  GOV_RETURN_IF_ERROR(s);
  RememberWritten(options, appended, 0, "", line);
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

StatusOr<std::vector<GovernancePlane::Reevaluation>> GovernancePlane::AssessDeployed() {
  const int64_t now = NowUnder(options_.clock);
  struct Target {
    Deployment deployment;
    TrainingOutput output;
    std::string digest;  // the bundle required for its environment
  };
  std::vector<Target> targets;
  std::map<std::string, PolicyValidator> validators;
  GOV_RETURN_IF_ERROR(store_.Read([&](StoreTransaction& txn) -> Status {
    targets.clear();
    validators.clear();
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    GOV_ASSIGN_OR_RETURN(auto deployments, txn.CurrentDeployments());
    for (auto& d : deployments) {
      GOV_ASSIGN_OR_RETURN(ApprovalRecord record, txn.GetApproval(d.approval_id));
      GOV_ASSIGN_OR_RETURN(ModelApproval a, ParseApprovalStatement(record.envelope.payload,
                                                                   "approval " + d.approval_id));
      GOV_ASSIGN_OR_RETURN(TrainingOutputRecord t, txn.GetTrainingOutput(a.training_output_digest));
      GOV_ASSIGN_OR_RETURN(TrainingOutput out, ParseTrainingPayload(t.envelope, t.digest));
      const EnvironmentRule* rule = state.config.Find(d.environment);
      std::string digest = rule ? rule->policy_bundle : std::string();
      if (!digest.empty() && !validators.count(digest)) {
        GOV_ASSIGN_OR_RETURN(PolicyBundle bundle, LoadRequiredBundle(txn, digest));
        validators.emplace(digest, PolicyValidator(std::move(bundle)));
      }
      targets.push_back({std::move(d), std::move(out), std::move(digest)});
    }
    return Status();
  }));
  std::vector<std::optional<StatusOr<PolicyValidator::Decision>>> decisions(targets.size());
  ParallelFor(targets.size(), 0, [&](size_t i) {
    if (targets[i].digest.empty()) return;
    decisions[i] = validators.at(targets[i].digest)
                       .Validate(targets[i].output, {targets[i].deployment.environment}, now);
  });
  std::vector<Reevaluation> results;
  for (size_t i = 0; i < targets.size(); ++i) {
    Reevaluation r{targets[i].deployment, targets[i].digest, true, {}, false};
    if (decisions[i]) {
      if (decisions[i]->ok()) {
        r.compliant = (*decisions[i])->allowed;
        r.denials = std::move((*decisions[i])->denials);
      } else {
        r.compliant = false;
        r.denials.push_back("the policy could not be evaluated: " +
                            decisions[i]->status().message());
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

StatusOr<std::vector<GovernancePlane::Reevaluation>> GovernancePlane::ReevaluateDeployed(
    const PrivateKey* revoker) {
  GOV_ASSIGN_OR_RETURN(std::vector<Reevaluation> results, AssessDeployed());
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
                        {"policy_bundle", r.bundle_digest},
                        {"denials", r.denials},
                        {"revoked", r.revoked}});
  }
  const int64_t now = NowUnder(options_.clock);
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    std::string actor = kUnsignedActor;
    if (revoker) {
      actor = ActorName(CheckAuthority(state, revoker->keyid(), Role::kApprover), *revoker);
    }
    return txn
        .AppendLedger({"policy.reevaluated", actor, "deployments",
                       {{"deployments", results.size()}, {"non_compliant", findings}}})
        .status();
  }));
  return results;
}

StatusOr<MonitoringOutcome> GovernancePlane::RecordCheck(const MonitoringCheck& check,
                                                         const PrivateKey* auto_revoke,
                                                         double revoke_severity) {
  if (check.kind.empty() || check.model_id.empty()) {
    return InvalidArgumentError("a monitoring check needs a kind and a model id");
  }
  if (!(check.severity >= 0 && check.severity <= 1)) {
    return InvalidArgumentError("a check's severity must be between 0 and 1");
  }
  if (!(revoke_severity > 0 && revoke_severity <= 1)) {
    return InvalidArgumentError("the revoke severity must be in (0, 1]");
  }
  const int64_t now = NowUnder(options_.clock);
  MonitoringOutcome outcome;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    std::string actor = kUnsignedActor;
    if (auto_revoke) {
      Authority who = CheckAuthority(state, auto_revoke->keyid(), Role::kApprover);
      actor = ActorName(who, *auto_revoke);
    }
    nlohmann::json details = check.result;
    if (!details.is_object()) details = {{"result", details}};
    details["severity"] = check.severity;
    GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                         txn.AppendLedger({check.kind + ".checked", actor, check.model_id, details}));
    outcome.ledger_sequence = e.sequence;
    return Status();
  }));
  if (!auto_revoke) return outcome;
  if (check.severity < revoke_severity) {
    outcome.note = "severity " + std::to_string(check.severity).substr(0, 4) +
                   " is below the revoke severity " + std::to_string(revoke_severity).substr(0, 4);
    return outcome;
  }
  StatusOr<int64_t> revoked = RevokeModel(
      check.model_id,
      check.kind + " severity " + std::to_string(check.severity).substr(0, 4) +
          " >= " + std::to_string(revoke_severity).substr(0, 4) + " (automatic revocation)",
      *auto_revoke);
  if (revoked.status().code() == StatusCode::kNotFound) {
    outcome.note = revoked.status().message();  // no approvals: nothing to revoke
    return outcome;
  }
  GOV_RETURN_IF_ERROR(revoked.status());
  outcome.revocation_sequence = *revoked;
  return outcome;
}

}  // namespace governance
