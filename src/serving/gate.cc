#include "serving/gate.h"

#include <algorithm>
#include <charconv>

#include "core/digest.h"
#include "core/document.h"
#include "core/parse_cache.h"
#include "core/time.h"
#include "governance/quorum.h"
#include "governance/required_policy.h"
#include "governance/statements.h"

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
  // Every gate after `from` fails with `reason`.
  void FailRest(size_t from, const std::string& reason) {
    for (size_t i = from; i < std::size(kGateNames); ++i) Fail(kGateNames[i], reason);
  }

 private:
  PromotionResult& result_;
};

// A model version as numbers: "v1.4.0", "2", "1.10.0-rc1". nullopt when the
// text is not of that shape (then versions are not compared).
struct Version {
  std::vector<uint64_t> parts;
  bool prerelease = false;
};

std::optional<Version> ParseVersion(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  Version v;
  size_t dash = text.find('-');
  v.prerelease = dash != std::string_view::npos;
  std::string_view core = text.substr(0, dash);
  while (true) {
    size_t dot = core.find('.');
    std::string_view part = core.substr(0, dot);
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    v.parts.push_back(n);
    if (dot == std::string_view::npos) break;
    core.remove_prefix(dot + 1);
  }
  return v;
}

// <0, 0, >0; nullopt when either is not a version.
std::optional<int> CompareVersions(const std::string& a, const std::string& b) {
  auto va = ParseVersion(a), vb = ParseVersion(b);
  if (!va || !vb) return std::nullopt;
  size_t n = std::max(va->parts.size(), vb->parts.size());
  for (size_t i = 0; i < n; ++i) {
    uint64_t x = i < va->parts.size() ? va->parts[i] : 0;
    uint64_t y = i < vb->parts.size() ? vb->parts[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  if (va->prerelease != vb->prerelease) return va->prerelease ? -1 : 1;
  return a == b ? 0 : std::optional<int>();  // "1.0-rc1" vs "1.0-rc2": not ordered here
}

// Why the approval's training output does not vouch for it; "" when it does.
std::string CheckTraining(const GovernanceState& state, GateFacts& facts, const ModelApproval& a,
                          Status* error, std::optional<TrainingOutput>* verified) {
  auto record = facts.TrainingOutput(a.training_output_digest);
  if (!record.ok()) {
    *error = record.status();
    return "";
  }
  if (!*record) return "the approval's training output " + a.training_output_digest.substr(0, 19) +
                       "… is not available";
  const TrainingOutputRecord& t = **record;
  if (Sha256DigestOf(t.envelope.payload) != a.training_output_digest ||
      t.envelope.payload_type != kTrainingOutputPayloadType) {
    return "the stored training output does not hash to the digest the approval names (edited)";
  }
  // The digest was checked above: what it parses to is known.
  static ParseCache<TrainingOutput>* parsed = new ParseCache<TrainingOutput>(256);
  std::optional<TrainingOutput> out = parsed->Find(a.training_output_digest);
  if (!out) {
    auto payload = ParseJson(t.envelope.payload, "training output");
    if (!payload.ok()) return payload.status().message();
    auto fresh = TrainingOutputFromJson(*payload, "training output");
    if (!fresh.ok()) return fresh.status().message();
    parsed->Put(a.training_output_digest, *fresh);
    out = std::move(*fresh);
  }
  if (out->model_id != a.model_id || out->model_version != a.model_version ||
      out->artifact.digest != a.artifact_digest || out->trainer != a.trainer) {
    return "the training output is for " + out->model_id + " " + out->model_version +
           " by " + out->trainer + ", not what the approval says";
  }
  for (const auto& sig : t.envelope.signatures) {
    if (sig.keyid != out->trainer_keyid) continue;
    Authority who = CheckAuthority(state, sig.keyid, Role::kTrainer);
    if (!who.allowed()) return "training output signer: " + who.refusal;
    if (who.key->identity != out->trainer) {
      return "the training output's key belongs to " + who.key->identity + ", not " + out->trainer;
    }
    auto pub = PublicKey::FromEnrolledPem(who.key->public_key_pem, "enrolled key");
    if (pub.ok() && VerifySignature(t.envelope, sig, *pub)) {
      *verified = std::move(out);
      return "";
    }
    return "the trainer's signature on the training output does not verify";
  }
  return "the training output carries no signature by its trainer key";
}

// Whether an approval belongs to this store's governance domain: it names
// it, or it names none and was issued before the first root (a store
// upgraded from before roots), so that a statement from another store
// never counts here.
bool InDomain(const ModelApproval& a, const GovernanceState& state) {
  return a.domain.empty() ? a.issued_at < state.roots.chain.front().root.issued_at
                          : a.domain == state.domain();
}

std::string DescribeDeployment(const Deployment& d) {
  return d.model_id + " " + d.model_version + " (" + d.approval_id + ", " + d.kind + " at " +
         FormatRfc3339(d.deployed_at) + ")";
}

}  // namespace

StatusOr<ApprovalRecord> StoreFacts::Approval(const std::string& approval_id) {
  return txn_.GetApproval(approval_id);
}

StatusOr<std::optional<TrainingOutputRecord>> StoreFacts::TrainingOutput(const std::string& digest) {
  auto t = txn_.GetTrainingOutput(digest);
  if (t.status().code() == StatusCode::kNotFound) return std::optional<TrainingOutputRecord>();
  GOV_RETURN_IF_ERROR(t.status());
  return std::optional<TrainingOutputRecord>(std::move(*t));
}

StatusOr<std::optional<PolicyBundle>> StoreFacts::RequiredBundle(const std::string& digest) {
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle, LoadRequiredBundle(txn_, digest));
  return std::optional<PolicyBundle>(std::move(bundle));
}

StatusOr<std::vector<Deployment>> StoreFacts::History(const std::string& model_id,
                                                      const std::string& environment) {
  return txn_.DeploymentHistory(model_id, environment);
}

StatusOr<VerifiedHistory> VerifyHistory(const GovernanceState& state, GateFacts& facts,
                                        const std::string& model_id,
                                        const std::string& environment) {
  VerifiedHistory h;
  GOV_ASSIGN_OR_RETURN(h.deployments, facts.History(model_id, environment));
  const std::string where = "the deployment history of " + model_id + " in " + environment;
  for (size_t i = 0; i < h.deployments.size(); ++i) {
    const Deployment& d = h.deployments[i];
    const std::string previous = i + 1 < h.deployments.size()
                                     ? DeploymentDigest(h.deployments[i + 1]) : std::string();
    if (d.envelope.payload.empty()) {
      // Made before governance roots: kept as history, vouching for nothing,
      // and only ever older than every signed record.
      for (size_t j = i; j < h.deployments.size(); ++j) {
        if (!h.deployments[j].envelope.payload.empty()) {
          h.problem = where + " has an unsigned record " + std::to_string(d.id) +
                      " after signed ones";
          return h;
        }
      }
      break;
    }
    const std::string name = where + ": record " + std::to_string(d.id);
    auto s = ParseDeploymentPayload(d.envelope.payload, "deployment " + std::to_string(d.id));
    if (d.envelope.payload_type != kDeploymentPayloadType || !s.ok()) {
      h.problem = name + " is not a deployment statement";
      return h;
    }
    const Deployment& st = s->deployment;
    if (st.environment != d.environment || st.model_id != d.model_id ||
        st.model_version != d.model_version || st.approval_id != d.approval_id ||
        st.artifact_digest != d.artifact_digest || st.deployed_by != d.deployed_by ||
        st.deployed_at != d.deployed_at || st.kind != d.kind || s->domain != state.domain()) {
      h.problem = name + " differs from its signed statement (edited)";
      return h;
    }
    if (s->previous != previous) {
      h.problem = name + " does not follow the record before it (a deployment was removed or "
                         "inserted)";
      return h;
    }
    // Time only moves forward along a chain: a record dated before the one it
    // follows was backdated, for instance to before its deployer's key was
    // revoked.
    if (i + 1 < h.deployments.size() && !h.deployments[i + 1].envelope.payload.empty() &&
        d.deployed_at < h.deployments[i + 1].deployed_at) {
      h.problem = name + " is dated " + FormatRfc3339(d.deployed_at) +
                  ", before the record it follows (backdated)";
      return h;
    }
    bool signed_ok = false;
    for (const auto& sig : d.envelope.signatures) {
      const KeyRecord* key = state.FindKey(sig.keyid);
      if (!key || key->identity != d.deployed_by || !key->HasRole(Role::kDeployer)) continue;
      if (key->revoked && key->revoked_at <= d.deployed_at) continue;
      auto pub = PublicKey::FromEnrolledPem(key->public_key_pem, "enrolled key");
      signed_ok = signed_ok || (pub.ok() && VerifySignature(d.envelope, sig, *pub));
    }
    if (!signed_ok) {
      h.problem = name + " is not signed by an enrolled deployer key of " + d.deployed_by;
      return h;
    }
  }
  return h;
}

namespace {

// The approval that `current` (a verified, deployer-signed record) runs,
// read from the store or a bundle, which anyone who writes them can edit: it
// counts only when its statement is the one the deployment names and its
// signatures verify with enrolled keys. nullopt, with `why`, otherwise.
std::optional<ModelApproval> RunningApproval(const GovernanceState& state, GateFacts& facts,
                                             const Deployment& current, std::string* why) {
  auto record = facts.Approval(current.approval_id);
  if (!record.ok()) {
    *why = record.status().message();
    return std::nullopt;
  }
  auto running = ParseApprovalStatement(record->envelope.payload, "approval " + current.approval_id);
  if (!running.ok()) {
    *why = running.status().message();
    return std::nullopt;
  }
  if (running->approval_id != current.approval_id || running->model_id != current.model_id ||
      running->model_version != current.model_version ||
      running->artifact_digest != current.artifact_digest ||
      !InDomain(*running, state)) {
    *why = "its statement is not the one the signed deployment record names (table approvals)";
    return std::nullopt;
  }
  QuorumCount q = CountQuorum(state, record->envelope, running->trainer);
  if (!SignedByApprovers(q)) {
    *why = "its signatures do not verify with enrolled approver keys (table approvals)" +
           (q.bad_signatures.empty() ? std::string() : ": " + JoinList(q.bad_signatures, "; "));
    return std::nullopt;
  }
  return std::move(*running);
}

}  // namespace

StatusOr<PromotionResult> EvaluateGate(const StateVerdict& verdict, GateFacts& facts,
                                       const GateInputs& in) {
  GOV_ASSIGN_OR_RETURN(ApprovalRecord record, facts.Approval(in.approval_id));
  const GovernanceState& state = verdict.state;
  const Envelope& env = in.envelope ? *in.envelope : record.envelope;

  PromotionResult result;
  result.environment = in.environment;
  result.scope = in.scope;
  result.approval_id = in.approval_id;
  result.model_id = record.model_id;
  result.model_version = record.model_version;
  GateReport gate(result);

  // trust and snapshot
  if (!verdict.trusted()) {
    gate.Fail("trust", verdict.trust_problem);
    gate.FailRest(1, "not checked: the governance state does not verify");
    return result;
  }
  gate.Pass("trust", "root v" + std::to_string(state.root().version) + " (" +
                         std::to_string(state.root().admin_threshold) + " of " +
                         std::to_string(state.root().admins.size()) + " admins), " +
                         std::to_string(state.changes.size()) + " signed changes, " +
                         std::to_string(state.keys.size()) + " keys");
  gate.Check("snapshot", verdict.snapshot_problem.empty(),
             state.snapshot ? "signed by the online key at " +
                                  FormatRfc3339(state.snapshot->issued_at) + " over " +
                                  std::to_string(state.snapshot->state.ledger_size) +
                                  " ledger entries, and it matches"
                            : std::string(),
             verdict.snapshot_problem);

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
    gate.FailRest(4, "not checked: the statement is invalid");
    return result;
  }
  const ModelApproval& a = *statement;
  if (a.approval_id != in.approval_id) {
    gate.Fail("statement", "the statement is for approval " + a.approval_id + ", not " +
                               in.approval_id);
  } else if (env.payload != record.envelope.payload) {
    gate.Fail("statement", "the statement differs from the one stored for " + in.approval_id);
  } else if (!InDomain(a, state)) {
    gate.Fail("statement", a.domain.empty()
                               ? "the approval names no governance domain"
                               : "the approval was issued in another governance domain (" +
                                     a.domain.substr(0, 19) + "…)");
  } else if (a.artifact_digest != record.artifact_digest || a.model_id != record.model_id ||
             a.model_version != record.model_version) {
    gate.Fail("statement", "the statement's subject differs from the stored approval (table approvals)");
  } else {
    gate.Pass("statement", "in-toto statement for " + a.model_id + " " + a.model_version +
                               " (" + a.artifact_digest.substr(0, 19) + "…)");
  }

  // signatures and quorum
  const GovernanceConfig& config = state.config;
  QuorumCount q = CountQuorum(state, env, a.trainer);
  gate.Check("signatures", q.bad_signatures.empty(),
             "every signature verifies with an enrolled key", JoinList(q.bad_signatures, "; "));
  const int required = RequiredApprovers(a, config, {in.environment});
  result.verified_approvers = q.approvers;
  std::string counted = std::to_string(q.approvers.size()) + " of " + std::to_string(required) +
                        " required distinct approvers";
  if (!q.approvers.empty()) counted += " (" + JoinList(q.approvers) + ")";
  if (!q.not_counted.empty()) counted += "; not counted: " + JoinList(q.not_counted, "; ");
  const EnvironmentRule* rule = config.Find(in.environment);
  if (rule && rule->min_approvers > a.required_approvers &&
      required > static_cast<int>(q.approvers.size())) {
    counted += "; " + in.environment + " requires at least " +
               std::to_string(rule->min_approvers) + " approvers";
  }
  gate.Check("quorum", static_cast<int>(q.approvers.size()) >= required, counted, counted);

  // validity, with the environment's current maximum TTL
  const int64_t skew = config.clock_skew_seconds;
  int64_t expires = a.expires_at;
  std::string capped;
  if (rule && a.not_before + rule->max_ttl_seconds < expires) {
    expires = a.not_before + rule->max_ttl_seconds;
    capped = " (" + in.environment + " allows approvals of at most " +
             FormatDuration(rule->max_ttl_seconds) + ")";
  }
  if (in.now + skew < a.not_before) {
    gate.Fail("validity", "not valid before " + FormatRfc3339(a.not_before));
  } else if (in.now - skew >= expires) {
    gate.Fail("validity", "expired at " + FormatRfc3339(expires) + capped);
  } else {
    gate.Pass("validity", "valid until " + FormatRfc3339(expires) + capped);
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

  // policy: the evaluation the approval records, run again on the signed
  // training output, so that an approval written without one (by a caller
  // that skipped GovernancePlane::Approve) never passes.
  Status facts_error;
  std::optional<TrainingOutput> verified_output;
  std::string training_problem = CheckTraining(state, facts, a, &facts_error, &verified_output);
  GOV_RETURN_IF_ERROR(facts_error);
  const std::string required_bundle = rule ? rule->policy_bundle : std::string();
  const std::string short_bundle = required_bundle.substr(0, 19) + "…";
  if (required_bundle.empty()) {
    gate.Pass("policy", in.environment + " requires no policy bundle");
  } else if (!a.policy.evaluated) {
    gate.Fail("policy", in.environment + " requires policy bundle " + short_bundle +
                            "; the approval was issued without policy");
  } else if (a.policy.bundle_digest != required_bundle) {
    gate.Fail("policy", in.environment + " requires policy bundle " + short_bundle +
                            "; the approval was evaluated with " +
                            a.policy.bundle_digest.substr(0, 19) + "…");
  } else {
    const std::string warnings =
        a.policy.warnings.empty()
            ? std::string()
            : " (" + std::to_string(a.policy.warnings.size()) + " warning(s))";
    GOV_ASSIGN_OR_RETURN(std::optional<PolicyBundle> bundle, facts.RequiredBundle(required_bundle));
    if (!bundle) {
      gate.Pass("policy", "evaluated with the required bundle " + short_bundle + warnings +
                              ", as the approval records");
    } else if (!verified_output) {
      gate.Fail("policy", "cannot evaluate the policy again: " + training_problem);
    } else {
      auto again = JudgeAgain(*bundle, *verified_output, a.training_output_digest,
                              a.environments, a.issued_at);
      if (!again.ok()) {
        gate.Fail("policy", "evaluated again, the required bundle " + short_bundle +
                                " cannot decide: " + again.status().message());
      } else {
        gate.Check("policy", again->allowed,
                   "evaluated again with the required bundle " + short_bundle + ": allowed" +
                       warnings,
                   "evaluated again, the required bundle " + short_bundle +
                       " denies what the approval says it allowed: " +
                       JoinList(again->denials, "; "));
      }
    }
  }

  // training
  gate.Check("training", training_problem.empty(),
             "training output signed by " + a.trainer + ", an enrolled trainer", training_problem);

  // revocation
  std::string revoked;
  for (const auto& v : state.revocations) {
    const bool blocks_artifact = Contains(v.artifact_digests, a.artifact_digest);
    const char* what = v.kind == Revocation::Kind::kApproval ? "approval" : "model";
    if (v.kind == Revocation::Kind::kApproval && v.target == a.approval_id) {
      revoked = "approval revoked by " + v.revoked_by + " at " + FormatRfc3339(v.revoked_at) +
                ": " + v.reason;
    } else if (v.kind == Revocation::Kind::kModel && v.target == a.model_id) {
      revoked = "model " + a.model_id + " revoked by " + v.revoked_by + " at " +
                FormatRfc3339(v.revoked_at) + ": " + v.reason;
    } else if (blocks_artifact) {
      revoked = "artifact " + a.artifact_digest.substr(0, 19) + "… was revoked with " + what +
                " " + v.target + " by " + v.revoked_by + ": " + v.reason;
    } else {
      continue;
    }
    break;
  }
  gate.Check("revocation", revoked.empty(),
             "neither the approval, the model nor its artifact is revoked", revoked);

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

  // promotion order, on verified deployment records only
  if (!rule || rule->requires_prior.empty()) {
    gate.Pass("promotion-order", in.environment + " has no prerequisite environment");
  } else {
    std::vector<std::string> missing, problems;
    for (const auto& prior : rule->requires_prior) {
      GOV_ASSIGN_OR_RETURN(VerifiedHistory h, VerifyHistory(state, facts, a.model_id, prior));
      if (!h.problem.empty()) {
        problems.push_back(h.problem);
        continue;
      }
      bool found = false;
      for (const auto& d : h.deployments) {
        found = found || (!d.envelope.payload.empty() && d.artifact_digest == a.artifact_digest);
      }
      if (!found) missing.push_back(prior);
    }
    if (!problems.empty()) {
      gate.Fail("promotion-order", JoinList(problems, "; "));
    } else {
      gate.Check("promotion-order", missing.empty(),
                 "already deployed to " + JoinList(rule->requires_prior),
                 in.environment + " requires this artifact in " + JoinList(missing) + " first");
    }
  }

  // downgrade: never backwards except by a rollback
  GOV_ASSIGN_OR_RETURN(VerifiedHistory here, VerifyHistory(state, facts, a.model_id, in.environment));
  const Deployment* current = here.current();
  if (!here.problem.empty()) {
    gate.Fail("downgrade", here.problem);
  } else if (in.kind == "rollback") {
    gate.Pass("downgrade", "a rollback goes back on purpose, and records why");
  } else if (!current || current->envelope.payload.empty()) {
    gate.Pass("downgrade", "nothing signed is deployed in " + in.environment + " yet");
  } else if (current->approval_id == a.approval_id) {
    gate.Pass("downgrade", "this approval is what " + in.environment + " runs now");
  } else {
    std::string unavailable;  // why, when it cannot be compared: a no, never a pass
    std::optional<ModelApproval> running =
        RunningApproval(state, facts, *current, &unavailable);
    std::optional<int> order =
        running ? CompareVersions(a.model_version, running->model_version) : std::nullopt;
    // Versions decide when they are ordered; the same or unordered versions
    // go by when their approvals were issued.
    const bool older = order && *order != 0 ? *order < 0
                                            : (running && a.issued_at < running->issued_at);
    if (!running) {
      gate.Fail("downgrade", "the approval " + current->approval_id + " that " + in.environment +
                                 " runs is not available to compare with: " + unavailable);
    } else {
      gate.Check("downgrade", !older,
                 "newer than what " + in.environment + " runs: " + DescribeDeployment(*current),
                 a.model_id + " " + a.model_version + " (" + a.approval_id + ") is older than " +
                     DescribeDeployment(*current) +
                     "; going back takes `mgov rollback`, which records why");
    }
  }

  // exceptions
  std::vector<std::string> problems;
  for (const auto& e : a.policy.exceptions) {
    auto approver = CanonicalIdentity(e.approver);
    if (!approver.ok() || !Contains(q.approvers, *approver)) {
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

void CheckDeployer(const GovernanceState& state, const Authority& who, const ModelApproval& a,
                   PromotionResult& result) {
  GateCheck g{"deployer", who.allowed(), false, ""};
  const EnvironmentRule* rule = state.config.Find(result.environment);
  if (!who.allowed()) {
    g.reason = who.refusal;
  } else if (who.key->identity == a.trainer) {
    g.passed = false;
    g.reason = "separation of duties: " + who.key->identity + " trained this model and cannot "
                                                              "deploy it";
  } else if (rule && rule->separation_of_duties &&
             Contains(result.verified_approvers, who.key->identity)) {
    g.passed = false;
    g.reason = "separation of duties: " + who.key->identity + " approved this model, and " +
               result.environment + " does not let an approver deploy what they approved";
  } else {
    g.reason = who.key->identity + " holds the deployer role";
  }
  result.gates.push_back(std::move(g));
  result.promoted = result.FirstFailure() == nullptr;
}

}  // namespace governance
