// Gathers the compliance report (compliance_report.h) from what the library
// already verifies, recording nothing.
#include "governance/compliance_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/time.h"
#include "governance/state.h"

namespace governance {
namespace {

bool IsLive(ApprovalState s) {
  return s == ApprovalState::kActive || s == ApprovalState::kExpiring ||
         s == ApprovalState::kPending;
}

bool InForce(ApprovalState s) {
  return s == ApprovalState::kActive || s == ApprovalState::kExpiring;
}

const nlohmann::json* Section(const nlohmann::json& details, const char* name) {
  auto spec = details.find("spec");
  if (spec == details.end() || !spec->is_object()) return nullptr;
  auto it = spec->find(name);
  return it != spec->end() && it->is_object() ? &*it : nullptr;
}

double Number(const nlohmann::json& j, const char* key, double fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::optional<DriftPoint> DriftPointOf(const HistoryEvent& e) {
  const nlohmann::json* drift = Section(e.details, "drift");
  if (drift == nullptr) return std::nullopt;
  DriftPoint p;
  p.sequence = e.sequence;
  p.timestamp = e.timestamp;
  p.score = Number(*drift, "score", Number(e.details, "severity", 0));
  p.drifted = drift->value("drifted", false);
  p.action = drift->value("action", "");
  return p;
}

std::optional<FairnessPoint> FairnessPointOf(const HistoryEvent& e) {
  const nlohmann::json* fairness = Section(e.details, "fairness");
  if (fairness == nullptr) return std::nullopt;
  FairnessPoint p;
  p.sequence = e.sequence;
  p.timestamp = e.timestamp;
  p.fair = fairness->value("fair", false);
  p.severity = Number(*fairness, "severity", Number(e.details, "severity", 0));
  p.metrics = *fairness;
  p.metrics.erase("groups");
  p.metrics.erase("overall");
  return p;
}

StatusOr<ModelReport> GatherModel(Store& store, const PlaneOptions& options,
                                  const std::string& model_id,
                                  const std::vector<ApprovalView>& views, int64_t since) {
  ModelReport m;
  m.model_id = model_id;
  for (const ApprovalView& v : views) {
    if (v.approval.model_id != model_id) continue;
    ReleaseRecord r;
    r.approval = v;
    StatusOr<TrainingOutput> out = ApprovedTrainingOutput(store, v.approval);
    if (out.ok()) {
      r.training_output = ToJson(*out);
    } else {
      r.training_output_problem = out.status().message();
    }
    m.releases.push_back(std::move(r));
  }
  HistoryFilter filter;
  filter.since = since;
  GOV_ASSIGN_OR_RETURN(std::vector<HistoryEvent> events,
                       ModelHistory(store, options, model_id, filter));
  for (HistoryEvent& e : events) {
    if (e.type.starts_with("deploy.") || e.type.starts_with("rollback.")) {
      m.deployments.push_back(std::move(e));
    } else if (e.type.ends_with(".revoked")) {
      m.revocations.push_back(std::move(e));
    } else if (e.type == "drift.checked") {
      if (auto p = DriftPointOf(e)) m.drift.push_back(*p);
    } else if (e.type == "fairness.checked") {
      if (auto p = FairnessPointOf(e)) m.fairness.push_back(std::move(*p));
    }
  }
  return m;
}

// Every model an approval, a deployment or a training record names.
std::set<std::string> KnownModels(const std::vector<ApprovalView>& views,
                                  const std::vector<Deployment>& deployments,
                                  const std::vector<LedgerEntry>& entries) {
  std::set<std::string> models;
  for (const ApprovalView& v : views) models.insert(v.approval.model_id);
  for (const Deployment& d : deployments) models.insert(d.model_id);
  for (const LedgerEntry& e : entries) {
    if (e.type == "training.recorded" || e.type == "approval.denied") models.insert(e.subject);
  }
  return models;
}

std::vector<FleetEntry> JudgeFleet(Store& store, const PlaneOptions& options,
                                   const GovernanceState& state,
                                   const std::vector<Deployment>& deployments,
                                   const std::map<std::string, const ApprovalView*>& by_id) {
  GovernancePlane governance(store, options);
  StatusOr<std::vector<GovernancePlane::Reevaluation>> policy = governance.AssessDeployed();
  std::map<int64_t, const GovernancePlane::Reevaluation*> policy_by_deployment;
  if (policy.ok()) {
    for (const auto& r : *policy) policy_by_deployment[r.deployment.id] = &r;
  }
  ServingPlane serving(store, options);
  std::vector<FleetEntry> fleet;
  for (const Deployment& d : deployments) {
    FleetEntry f;
    f.deployment = d;
    auto view = by_id.find(d.approval_id);
    if (view == by_id.end()) {
      f.reasons.push_back("approval " + d.approval_id + " is not in the store");
    } else {
      f.approval_state = view->second->state;
      if (!InForce(f.approval_state)) {
        f.reasons.push_back("approval " + std::string(ApprovalStateName(f.approval_state)) +
                            ": " + view->second->state_reason);
      }
    }
    if (f.reasons.empty()) {
      // The gate adds what the approval's state does not say: the
      // artifact, keys, promotion order, exceptions, the snapshot.
      GateRequest request;
      request.approval_id = d.approval_id;
      request.environment = d.environment;
      request.artifact_digest = d.artifact_digest;
      StatusOr<PromotionResult> gate = serving.Assess(request);
      if (!gate.ok()) {
        f.reasons.push_back("gate: " + gate.status().message());
      } else if (const GateCheck* bad = gate->FirstFailure()) {
        f.reasons.push_back("gate " + bad->name + ": " + bad->reason);
      }
    }
    if (!policy.ok()) {
      f.reasons.push_back("policy: could not be evaluated: " + policy.status().message());
    } else if (auto it = policy_by_deployment.find(d.id); it != policy_by_deployment.end()) {
      f.policy_bundle = it->second->bundle_digest;
      for (const std::string& denial : it->second->denials) f.reasons.push_back(denial);
      if (!it->second->compliant && it->second->denials.empty()) {
        f.reasons.push_back("policy: not compliant");
      }
    }
    f.compliant = f.reasons.empty();
    fleet.push_back(std::move(f));
  }
  // Environments in the order the configuration lists them, then by model.
  auto rank = [&](const std::string& env) {
    for (size_t i = 0; i < state.config.environments.size(); ++i) {
      if (state.config.environments[i].name == env) return i;
    }
    return state.config.environments.size();
  };
  std::stable_sort(fleet.begin(), fleet.end(), [&](const FleetEntry& a, const FleetEntry& b) {
    const auto ra = rank(a.deployment.environment), rb = rank(b.deployment.environment);
    if (ra != rb) return ra < rb;
    if (a.deployment.environment != b.deployment.environment) {
      return a.deployment.environment < b.deployment.environment;
    }
    return a.deployment.model_id < b.deployment.model_id;
  });
  return fleet;
}

}  // namespace

StatusOr<ComplianceReport> BuildComplianceReport(Store& store, const PlaneOptions& options,
                                                 const ComplianceReportOptions& o, int64_t now) {
  if (!options.trust) {
    return FailedPreconditionError("a compliance report needs a trusted governance root");
  }
  if (o.expiring_within_seconds < 0) {
    return InvalidArgumentError("the expiring window must not be negative");
  }
  ComplianceReport report;
  report.generated_at = now;
  report.store_url = store.url();
  report.model_filter = o.model_id;
  report.since = o.since;
  report.expiring_within_seconds = o.expiring_within_seconds;
  report.ledger.checkpoint = o.checkpoint;
  // What this host had verified before this report looked.
  GOV_ASSIGN_OR_RETURN(report.ledger.last_seen, options.trust->LastSeen());

  std::vector<Deployment> deployments;
  std::vector<LedgerEntry> entries;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(report.ledger.audit,
                         AuditStoreIntegrity(txn, *options.trust, now, o.checkpoint));
    GOV_ASSIGN_OR_RETURN(deployments, txn.CurrentDeployments());
    GOV_ASSIGN_OR_RETURN(entries, txn.ReadLedger());
    return Status();
  }));
  const IntegrityReport& audit = report.ledger.audit;
  if (!audit.ledger.ok) {
    return PermissionDeniedError("ledger: entry " + std::to_string(audit.ledger.first_bad_sequence) +
                                 " does not verify: " + audit.ledger.reason);
  }
  if (!audit.trust_problem.empty()) return PermissionDeniedError("trust: " + audit.trust_problem);
  GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(store, options));

  ApprovalFilter all;
  all.expiring_within_seconds = o.expiring_within_seconds;
  GOV_ASSIGN_OR_RETURN(std::vector<ApprovalView> views,
                       ListApprovalViews(store, options, all, now));
  std::map<std::string, const ApprovalView*> by_id;
  for (const ApprovalView& v : views) by_id[v.approval.approval_id] = &v;

  std::set<std::string> models = KnownModels(views, deployments, entries);
  if (!o.model_id.empty()) {
    models = {o.model_id};
    std::erase_if(deployments, [&](const Deployment& d) { return d.model_id != o.model_id; });
  }
  report.fleet = JudgeFleet(store, options, state, deployments, by_id);
  for (const std::string& model : models) {
    GOV_ASSIGN_OR_RETURN(ModelReport m, GatherModel(store, options, model, views, o.since));
    report.models.push_back(std::move(m));
  }
  for (const ApprovalView& v : views) {
    if (!o.model_id.empty() && v.approval.model_id != o.model_id) continue;
    if (v.state == ApprovalState::kExpiring) report.expiring.push_back(v);
    if (!IsLive(v.state)) continue;
    for (const PolicyException& e : v.approval.policy.exceptions) {
      report.exceptions.push_back(
          {v.approval.approval_id, v.approval.model_id, e, e.expires_at <= now});
    }
  }
  return report;
}

nlohmann::json ToJson(const ComplianceReport& r) {
  auto time_or_null = [](int64_t t) { return t > 0 ? nlohmann::json(FormatRfc3339(t)) : nullptr; };
  nlohmann::json fleet = nlohmann::json::array();
  int compliant = 0;
  for (const FleetEntry& f : r.fleet) {
    const Deployment& d = f.deployment;
    compliant += f.compliant ? 1 : 0;
    fleet.push_back({{"model_id", d.model_id},
                     {"model_version", d.model_version},
                     {"environment", d.environment},
                     {"approval_id", d.approval_id},
                     {"artifact_digest", d.artifact_digest},
                     {"kind", d.kind},
                     {"deployed_at", FormatRfc3339(d.deployed_at)},
                     {"deployed_by", d.deployed_by},
                     {"approval_state", ApprovalStateName(f.approval_state)},
                     {"policy_bundle", f.policy_bundle},
                     {"compliant", f.compliant},
                     {"reasons", f.reasons}});
  }
  nlohmann::json models = nlohmann::json::array();
  for (const ModelReport& m : r.models) {
    nlohmann::json releases = nlohmann::json::array();
    for (const ReleaseRecord& rel : m.releases) {
      releases.push_back({{"approval", ToJson(rel.approval)},
                          {"training_output", rel.training_output},
                          {"training_output_problem", rel.training_output_problem}});
    }
    nlohmann::json timeline = nlohmann::json::array(), rollbacks = nlohmann::json::array(),
                   revocations = nlohmann::json::array();
    for (const HistoryEvent& e : m.deployments) {
      timeline.push_back(ToJson(e));
      if (e.type.starts_with("rollback.")) rollbacks.push_back(ToJson(e));
    }
    for (const HistoryEvent& e : m.revocations) revocations.push_back(ToJson(e));
    nlohmann::json drift = nlohmann::json::array();
    for (const DriftPoint& p : m.drift) {
      drift.push_back({{"sequence", p.sequence},
                       {"time", FormatRfc3339(p.timestamp)},
                       {"score", p.score},
                       {"drifted", p.drifted},
                       {"action", p.action}});
    }
    nlohmann::json fairness = nlohmann::json::array();
    for (const FairnessPoint& p : m.fairness) {
      fairness.push_back({{"sequence", p.sequence},
                          {"time", FormatRfc3339(p.timestamp)},
                          {"fair", p.fair},
                          {"severity", p.severity},
                          {"metrics", p.metrics}});
    }
    models.push_back({{"model_id", m.model_id},
                      {"releases", releases},
                      {"deployments", timeline},
                      {"rollbacks", rollbacks},
                      {"revocations", revocations},
                      {"drift", {{"threshold", m.drift_threshold}, {"points", drift}}},
                      {"fairness", fairness}});
  }
  nlohmann::json expiring = nlohmann::json::array();
  for (const ApprovalView& v : r.expiring) {
    expiring.push_back({{"approval_id", v.approval.approval_id},
                        {"model_id", v.approval.model_id},
                        {"model_version", v.approval.model_version},
                        {"environments", v.approval.environments},
                        {"expires_at", FormatRfc3339(v.approval.expires_at)},
                        {"state_reason", v.state_reason}});
  }
  nlohmann::json exceptions = nlohmann::json::array();
  for (const OpenException& x : r.exceptions) {
    exceptions.push_back({{"approval_id", x.approval_id},
                          {"model_id", x.model_id},
                          {"rule", x.exception.rule},
                          {"reason", x.exception.reason},
                          {"approver", x.exception.approver},
                          {"expires_at", FormatRfc3339(x.exception.expires_at)},
                          {"expired", x.expired}});
  }
  nlohmann::json checkpoint = nullptr, last_seen = nullptr;
  if (r.ledger.checkpoint) {
    checkpoint = {{"size", r.ledger.checkpoint->size},
                  {"root_hash", r.ledger.checkpoint->root_hash}};
  }
  if (r.ledger.last_seen) {
    last_seen = {{"size", r.ledger.last_seen->size},
                 {"head", r.ledger.last_seen->head},
                 {"seen_at", time_or_null(r.ledger.last_seen->seen_at)}};
  }
  nlohmann::json ledger = ToJson(r.ledger.audit);
  ledger["checkpoint"] = checkpoint;
  ledger["last_seen"] = last_seen;
  return {{"generated_at", FormatRfc3339(r.generated_at)},
          {"store", r.store_url},
          {"model", r.model_filter.empty() ? nlohmann::json() : nlohmann::json(r.model_filter)},
          {"since", time_or_null(r.since)},
          {"expiring_within_seconds", r.expiring_within_seconds},
          {"summary",
           {{"models", r.models.size()},
            {"deployments", r.fleet.size()},
            {"compliant", compliant},
            {"non_compliant", static_cast<int>(r.fleet.size()) - compliant},
            {"expiring", r.expiring.size()},
            {"open_exceptions", r.exceptions.size()}}},
          {"fleet", fleet},
          {"models", models},
          {"expiring", expiring},
          {"exceptions", exceptions},
          {"ledger", ledger}};
}

}  // namespace governance
