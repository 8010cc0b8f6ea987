#include "serving/gate.h"

#include <algorithm>

#include "core/time.h"
#include "governance/quorum.h"

namespace governance {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class GateReport {
 public:
  explicit GateReport(PromotionResult& result) : result_(result) {}
  void Pass(const char* name, std::string reason) {
    result_.gates.push_back({name, true, false, std::move(reason)});
  }
  void Fail(const char* name, std::string reason) {
    result_.gates.push_back({name, false, false, std::move(reason)});
  }
  void Skip(const char* name, std::string reason) {
    result_.gates.push_back({name, true, true, std::move(reason)});
  }
  void Check(const char* name, bool ok, std::string pass_reason, std::string fail_reason) {
    ok ? Pass(name, std::move(pass_reason)) : Fail(name, std::move(fail_reason));
  }

 private:
  PromotionResult& result_;
};

}  // namespace

StatusOr<PromotionResult> EvaluateGate(StoreTransaction& txn, const GateInputs& in) {
  GOV_ASSIGN_OR_RETURN(ApprovalRecord record, txn.GetApproval(in.approval_id));
  GOV_ASSIGN_OR_RETURN(GovernanceConfig config, LoadGovernanceConfig(txn));
  const Envelope& env = in.envelope ? *in.envelope : record.envelope;

  PromotionResult result;
  result.environment = in.environment;
  result.scope = in.scope;
  result.approval_id = in.approval_id;
  result.model_id = record.model_id;
  result.model_version = record.model_version;
  GateReport gate(result);

  // envelope
  std::vector<std::string> keyids;
  std::vector<std::string> duplicates;
  for (const auto& s : env.signatures) {
    if (Contains(keyids, s.keyid)) duplicates.push_back(s.keyid.substr(0, 16));
    keyids.push_back(s.keyid);
  }
  if (env.payload_type != kInTotoPayloadType) {
    gate.Fail("envelope", "payloadType is \"" + env.payload_type + "\", want " +
                              std::string(kInTotoPayloadType));
  } else if (env.signatures.empty()) {
    gate.Fail("envelope", "the envelope carries no signatures");
  } else if (!duplicates.empty()) {
    gate.Fail("envelope", "key " + JoinList(duplicates) +
                              " signs more than once (duplicated signature entries)");
  } else {
    gate.Pass("envelope", "DSSE envelope with " + std::to_string(env.signatures.size()) +
                              " signature(s)");
  }

  // statement
  auto statement = ParseApprovalStatement(env.payload, "approval " + in.approval_id);
  if (!statement.ok()) {
    gate.Fail("statement", statement.status().message());
    for (size_t i = 2; i < std::size(kGateNames); ++i) {
      gate.Fail(kGateNames[i], "not checked: the statement is invalid");
    }
    return result;
  }
  const ModelApproval& a = *statement;
  if (a.approval_id != in.approval_id) {
    gate.Fail("statement", "the statement is for approval " + a.approval_id + ", not " +
                               in.approval_id);
  } else if (env.payload != record.envelope.payload) {
    gate.Fail("statement", "the statement differs from the one stored for " + in.approval_id);
  } else if (a.artifact_digest != record.artifact_digest || a.model_id != record.model_id) {
    gate.Fail("statement", "the statement's subject differs from the stored approval");
  } else {
    gate.Pass("statement", "in-toto statement for " + a.model_id + " " + a.model_version +
                               " (" + a.artifact_digest.substr(0, 19) + "…)");
  }

  // signatures and quorum
  GOV_ASSIGN_OR_RETURN(QuorumCount q, CountQuorum(txn, env, a.trainer));
  gate.Check("signatures", q.bad_signatures.empty(),
             "every signature verifies with an enrolled key", JoinList(q.bad_signatures, "; "));
  const int required = RequiredApprovers(a, config, {in.environment});
  result.verified_approvers = q.approvers;
  std::string counted = std::to_string(q.approvers.size()) + " of " + std::to_string(required) +
                        " required distinct approvers";
  if (!q.approvers.empty()) counted += " (" + JoinList(q.approvers) + ")";
  if (!q.not_counted.empty()) counted += "; not counted: " + JoinList(q.not_counted, "; ");
  const EnvironmentRule* rule = config.Find(in.environment);
  if (rule && rule->min_approvers > a.required_approvers && required > static_cast<int>(q.approvers.size())) {
    counted += "; " + in.environment + " requires at least " +
               std::to_string(rule->min_approvers) + " approvers";
  }
  gate.Check("quorum", static_cast<int>(q.approvers.size()) >= required, counted, counted);

  // validity
  const int64_t skew = config.clock_skew_seconds;
  if (in.now + skew < a.not_before) {
    gate.Fail("validity", "not valid before " + FormatRfc3339(a.not_before));
  } else if (in.now - skew >= a.expires_at) {
    gate.Fail("validity", "expired at " + FormatRfc3339(a.expires_at));
  } else {
    gate.Pass("validity", "valid until " + FormatRfc3339(a.expires_at));
  }

  // environment and scope
  if (!rule) {
    gate.Fail("environment", "\"" + in.environment + "\" is not a configured environment");
  } else {
    gate.Check("environment", Contains(a.environments, in.environment),
               in.environment + " is approved",
               "approved for " + JoinList(a.environments) + ", not " + in.environment);
  }
  if (a.scopes.empty()) {
    gate.Pass("scope", "the approval is not limited to scopes");
  } else if (in.scope.empty()) {
    gate.Fail("scope", "the approval is limited to scopes " + JoinList(a.scopes, ", ") +
                           "; name one");
  } else {
    gate.Check("scope", Contains(a.scopes, in.scope), "scope " + in.scope + " is approved",
               "approved for scopes " + JoinList(a.scopes, ", ") + ", not " + in.scope);
  }

  // revocation
  GOV_ASSIGN_OR_RETURN(auto approval_rev, txn.FindRevocation(Revocation::Kind::kApproval, a.approval_id));
  GOV_ASSIGN_OR_RETURN(auto model_rev, txn.FindRevocation(Revocation::Kind::kModel, a.model_id));
  if (approval_rev) {
    gate.Fail("revocation", "approval revoked by " + approval_rev->revoked_by + " at " +
                                FormatRfc3339(approval_rev->revoked_at) + ": " +
                                approval_rev->reason);
  } else if (model_rev) {
    gate.Fail("revocation", "model " + a.model_id + " revoked by " + model_rev->revoked_by +
                                " at " + FormatRfc3339(model_rev->revoked_at) + ": " +
                                model_rev->reason);
  } else {
    gate.Pass("revocation", "neither the approval nor the model is revoked");
  }

  // keys
  gate.Check("keys", q.revoked_keys.empty(), "no signing key is revoked",
             JoinList(q.revoked_keys, "; "));

  // artifact
  if (!in.artifact_digest) {
    gate.Skip("artifact", "not checked: no artifact given");
  } else {
    gate.Check("artifact", *in.artifact_digest == a.artifact_digest,
               in.artifact_origin + " matches " + a.artifact_digest.substr(0, 19) + "…",
               in.artifact_origin + " hashes to " + in.artifact_digest->substr(0, 19) +
                   "…, the approval is for " + a.artifact_digest.substr(0, 19) +
                   "… (artifact substituted)");
  }

  // promotion order
  std::vector<std::string> missing;
  if (rule) {
    for (const auto& prior : rule->requires_prior) {
      GOV_ASSIGN_OR_RETURN(auto history, txn.DeploymentHistory(a.model_id, prior));
      bool found = false;
      for (const auto& d : history) found = found || d.artifact_digest == a.artifact_digest;
      if (!found) missing.push_back(prior);
    }
  }
  if (!rule || rule->requires_prior.empty()) {
    gate.Pass("promotion-order", in.environment + " has no prerequisite environment");
  } else {
    gate.Check("promotion-order", missing.empty(),
               "already deployed to " + JoinList(rule->requires_prior),
               in.environment + " requires this artifact in " + JoinList(missing) + " first");
  }

  // exceptions
  std::vector<std::string> problems;
  for (const auto& e : a.policy.exceptions) {
    if (!Contains(q.approvers, e.approver)) {
      problems.push_back("exception for " + e.rule + " names approver " + e.approver +
                         ", who has not signed");
    }
    if (in.now >= e.expires_at) {
      problems.push_back("exception for " + e.rule + " expired at " + FormatRfc3339(e.expires_at));
    }
  }
  if (a.policy.exceptions.empty()) {
    gate.Pass("exceptions", "no policy exceptions were applied");
  } else {
    std::vector<std::string> rules;
    for (const auto& e : a.policy.exceptions) rules.push_back(e.rule + " (by " + e.approver + ")");
    gate.Check("exceptions", problems.empty(), "waived: " + JoinList(rules, ", "),
               JoinList(problems, "; "));
  }

  result.promoted = result.FirstFailure() == nullptr;
  return result;
}

}  // namespace governance
