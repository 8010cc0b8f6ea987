#include "governance/audit.h"

#include <algorithm>
#include <functional>
#include <tuple>
#include <set>

#include <fmt/format.h>

#include "core/decision_stack.h"
#include "core/digest.h"
#include "core/time.h"
#include "governance/ledger.h"
#include "governance/quorum.h"
#include "governance/state.h"

namespace governance {
namespace {

constexpr std::pair<ApprovalState, std::string_view> kStateNames[] = {
    {ApprovalState::kInvalid, "invalid"},       {ApprovalState::kRevoked, "revoked"},
    {ApprovalState::kExpired, "expired"},       {ApprovalState::kPending, "pending"},
    {ApprovalState::kSuperseded, "superseded"}, {ApprovalState::kExpiring, "expiring"},
    {ApprovalState::kActive, "active"},
};

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

const Revocation* FindRevocationOf(const GovernanceState& state, const ModelApproval& a) {
  for (const Revocation& r : state.revocations) {
    if ((r.kind == Revocation::Kind::kApproval && r.target == a.approval_id) ||
        (r.kind == Revocation::Kind::kModel && r.target == a.model_id) ||
        Contains(r.artifact_digests, a.artifact_digest)) {
      return &r;
    }
  }
  return nullptr;
}

// Everything about one approval but whether a newer one supersedes it.
ApprovalView Judge(const GovernanceState& state, const ApprovalRecord& record, int64_t now,
                   int64_t expiring_within) {
  ApprovalView v;
  v.stored_at = record.created_at;
  v.approval.approval_id = record.approval_id;
  v.approval.model_id = record.model_id;
  v.approval.model_version = record.model_version;
  v.approval.artifact_digest = record.artifact_digest;
  auto parsed = ParseApprovalStatement(record.envelope.payload, record.approval_id);
  if (!parsed.ok()) {
    v.state_reason = "its statement does not parse: " + parsed.status().message();
    return v;
  }
  v.approval = *std::move(parsed);
  const ModelApproval& a = v.approval;
  if (a.approval_id != record.approval_id || a.model_id != record.model_id ||
      a.artifact_digest != record.artifact_digest || a.model_version != record.model_version) {
    v.state_reason = "the stored row does not match its signed statement";
    return v;
  }
  QuorumCount q = CountQuorum(state, record.envelope, a.trainer);
  for (const auto& s : q.signatures) v.signers.push_back({s.keyid, s.identity, s.counts, s.note});
  v.distinct_approvers = static_cast<int>(q.approvers.size());
  for (const std::string& env : a.environments) {
    v.required_approvers[env] = RequiredApprovers(a, state.config, {env});
  }
  if (!a.domain.empty() && a.domain != state.domain()) {
    v.state_reason = "issued in governance domain " + a.domain + ", not " + state.domain();
    return v;
  }
  if (!SignedByApprovers(q)) {
    v.state_reason = q.bad_signatures.empty() ? "no approver signed it"
                                              : "signatures do not verify: " + JoinList(q.bad_signatures);
    return v;
  }
  if (const Revocation* r = FindRevocationOf(state, a)) {
    v.revocation = *r;
    v.state = ApprovalState::kRevoked;
    const std::string what = r->kind == Revocation::Kind::kApproval && r->target == a.approval_id
                                 ? "revoked"
                             : r->kind == Revocation::Kind::kModel && r->target == a.model_id
                                 ? "model revoked"
                                 : "artifact revoked with " + r->target;
    v.state_reason = fmt::format("{} by {} at {}: {}", what, r->revoked_by,
                                 FormatRfc3339(r->revoked_at), r->reason);
    return v;
  }
  if (now >= a.expires_at) {
    v.state = ApprovalState::kExpired;
    v.state_reason = "expired at " + FormatRfc3339(a.expires_at);
    return v;
  }
  const int required = RequiredApprovers(a, state.config, a.environments);
  if (v.distinct_approvers < required) {
    v.state = ApprovalState::kPending;
    v.state_reason = fmt::format("{} of {} distinct approvers", v.distinct_approvers, required);
    return v;
  }
  if (now < a.not_before) {
    v.state = ApprovalState::kPending;
    v.state_reason = "valid from " + FormatRfc3339(a.not_before);
    return v;
  }
  if (a.expires_at - now <= expiring_within) {
    v.state = ApprovalState::kExpiring;
    v.state_reason = fmt::format("expires at {}, in {}", FormatRfc3339(a.expires_at),
                                 FormatDuration(std::max<int64_t>(1, a.expires_at - now)));
    return v;
  }
  v.state = ApprovalState::kActive;
  v.state_reason = "valid until " + FormatRfc3339(a.expires_at);
  return v;
}

bool Standing(ApprovalState s) {
  return s != ApprovalState::kInvalid && s != ApprovalState::kRevoked &&
         s != ApprovalState::kExpired;
}

// Marks the approvals whose every environment has a newer standing approval
// of the same model. `views` are oldest first.
void MarkSuperseded(std::vector<ApprovalView>& views) {
  for (size_t i = 0; i < views.size(); ++i) {
    ApprovalView& v = views[i];
    if (!Standing(v.state) || v.approval.environments.empty()) continue;
    std::string newest;
    bool all = true;
    for (const std::string& env : v.approval.environments) {
      std::string by;
      for (size_t j = i + 1; j < views.size(); ++j) {
        const ApprovalView& w = views[j];
        if (w.approval.model_id == v.approval.model_id && Standing(w.state) &&
            Contains(w.approval.environments, env)) {
          by = w.approval.approval_id;
        }
      }
      if (by.empty()) {
        all = false;
        break;
      }
      newest = by;
    }
    if (all) {
      v.state = ApprovalState::kSuperseded;
      v.superseded_by = newest;
      v.state_reason = "superseded by " + newest;
    }
  }
}

StatusOr<std::vector<ApprovalView>> JudgeAll(Store& store, const PlaneOptions& options,
                                             std::optional<std::string_view> model, int64_t now,
                                             int64_t expiring_within) {
  GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(store, options));
  std::vector<ApprovalRecord> records;
  std::map<std::string, int64_t, std::less<>> issued_sequence;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(records, txn.ListApprovals(model));
    GOV_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, txn.ReadLedger());
    for (const LedgerEntry& e : entries) {
      if (e.type == "approval.issued") issued_sequence.emplace(e.subject, e.sequence);
    }
    return Status();
  }));
  // Issue order is the ledger's: approvals issued within one second share
  // their timestamp.
  auto order = [&](const ApprovalRecord& r) {
    auto it = issued_sequence.find(r.approval_id);
    return std::make_pair(r.created_at, it == issued_sequence.end() ? int64_t{0} : it->second);
  };
  std::stable_sort(records.begin(), records.end(),
                   [&](const ApprovalRecord& x, const ApprovalRecord& y) { return order(x) < order(y); });
  std::vector<ApprovalView> views;
  views.reserve(records.size());
  for (const ApprovalRecord& r : records) views.push_back(Judge(state, r, now, expiring_within));
  MarkSuperseded(views);
  return views;
}

// -------------------------------------------------------------------- history

std::string Str(const nlohmann::json& d, const char* key) {
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ListText(const nlohmann::json& d, const char* key) {
  std::vector<std::string> items;
  if (auto it = d.find(key); it != d.end() && it->is_array()) {
    for (const auto& x : *it) items.push_back(x.is_string() ? x.get<std::string>() : x.dump());
  }
  return JoinList(items, ", ");
}

std::string Summary(const LedgerEntry& e, const nlohmann::json& d, std::string_view model) {
  const std::string& t = e.type;
  if (t == "training.recorded") {
    return fmt::format("trained version {}, artifact {}", Str(d, "model_version"),
                       Str(d, "artifact_digest"));
  }
  if (t == "approval.issued") {
    return fmt::format("approval {} of version {} for {}, {} approver(s) required, expires {}",
                       e.subject, Str(d, "model_version"), ListText(d, "environments"),
                       d.value("required_approvers", 0), Str(d, "expires_at"));
  }
  if (t == "approval.denied") {
    return fmt::format("approval of version {} for {} denied: {}", Str(d, "model_version"),
                       ListText(d, "environments"), ListText(d, "denials"));
  }
  if (t == "approval.cosigned") {
    return fmt::format("{} co-signed approval {}: {} of {} approvers", e.actor, e.subject,
                       d.value("distinct_approvers", 0), d.value("required_approvers", 0));
  }
  if (t.ends_with(".revoked")) {
    return fmt::format("{} {} revoked by {}: {}", t.substr(0, t.size() - 8), e.subject, e.actor,
                       Str(d, "reason"));
  }
  if (t.ends_with(".allowed") || t.ends_with(".denied")) {
    const std::string what = t.substr(0, t.find('.'));
    if (t.ends_with(".allowed")) {
      return fmt::format("{} of version {} to {} allowed (approval {})", what,
                         Str(d, "model_version"), Str(d, "environment"), e.subject);
    }
    return fmt::format("{} to {} denied (approval {}): {}", what, Str(d, "environment"), e.subject,
                       ListText(d, "failed_gates"));
  }
  if (t.ends_with(".checked")) {
    return fmt::format("{} check, severity {}", t.substr(0, t.size() - 8),
                       d.contains("severity") ? d["severity"].dump() : "?");
  }
  if (t == "policy.reevaluated") {
    for (const auto& f : d.value("non_compliant", nlohmann::json::array())) {
      if (f.is_object() && Str(f, "model_id") == model) {
        return fmt::format("re-evaluated in {}: NOT COMPLIANT with {}: {}{}", Str(f, "environment"),
                           Str(f, "policy_bundle"), ListText(f, "denials"),
                           f.value("revoked", false) ? " (approval revoked)" : "");
      }
    }
    return "re-evaluated: compliant";
  }
  if (t == "bundle.exported") return "verification bundle exported for approval " + e.subject;
  return t + " " + e.subject;
}

}  // namespace

std::string_view ApprovalStateName(ApprovalState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "invalid";
}

StatusOr<ApprovalState> ParseApprovalState(std::string_view name) {
  for (const auto& [s, n] : kStateNames) {
    if (n == name) return s;
  }
  return InvalidArgumentError(fmt::format(
      "unknown approval state \"{}\" (want pending, active, expiring, expired, revoked, "
      "superseded or invalid)",
      name));
}

StatusOr<std::vector<ApprovalView>> ListApprovalViews(Store& store, const PlaneOptions& options,
                                                      const ApprovalFilter& filter, int64_t now) {
  if (filter.expiring_within_seconds < 0) {
    return InvalidArgumentError("the expiring window must not be negative");
  }
  std::optional<std::string_view> model;
  if (filter.model_id) model = *filter.model_id;
  GOV_ASSIGN_OR_RETURN(std::vector<ApprovalView> all,
                       JudgeAll(store, options, model, now, filter.expiring_within_seconds));
  std::vector<ApprovalView> out;
  for (ApprovalView& v : all) {
    if (filter.environment && !Contains(v.approval.environments, *filter.environment)) continue;
    if (filter.state && v.state != *filter.state) continue;
    out.push_back(std::move(v));
  }
  return out;
}

StatusOr<ApprovalView> GetApprovalView(Store& store, const PlaneOptions& options,
                                       std::string_view approval_id, int64_t now,
                                       int64_t expiring_within_seconds) {
  std::string model;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(ApprovalRecord r, txn.GetApproval(approval_id));
    model = r.model_id;
    return Status();
  }));
  GOV_ASSIGN_OR_RETURN(std::vector<ApprovalView> all,
                       JudgeAll(store, options, std::string_view(model), now,
                                expiring_within_seconds));
  for (ApprovalView& v : all) {
    if (v.approval.approval_id == approval_id) return std::move(v);
  }
  return NotFoundError(fmt::format("approval {} not found", approval_id));
}

StatusOr<std::vector<HistoryEvent>> ModelHistory(Store& store, const PlaneOptions& options,
                                                 std::string_view model_id,
                                                 const HistoryFilter& filter) {
  GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(store, options));
  std::vector<LedgerEntry> entries;
  std::vector<ApprovalRecord> approvals;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(entries, txn.ReadLedger());
    GOV_ASSIGN_OR_RETURN(approvals, txn.ListApprovals(model_id));
    return Status();
  }));
  LedgerVerification verified = VerifyLedger(entries, LedgerKeys(state.roots));
  if (!verified.ok) {
    return PermissionDeniedError(fmt::format("ledger: entry {} does not verify: {}",
                                             verified.first_bad_sequence, verified.reason));
  }
  std::set<std::string, std::less<>> approval_ids, artifacts;
  for (const ApprovalRecord& a : approvals) approval_ids.insert(a.approval_id);
  bool deployed = false;
  bool any = false;
  std::vector<HistoryEvent> out;
  for (const LedgerEntry& e : entries) {
    nlohmann::json d = nlohmann::json::parse(e.details, nullptr, false);
    if (!d.is_object()) d = nlohmann::json::object();
    bool about = e.subject == model_id || approval_ids.count(e.subject) > 0 ||
                 Str(d, "model_id") == model_id;
    if (!about && e.type.ends_with(".revoked")) {
      for (const auto& digest : d.value("artifact_digests", nlohmann::json::array())) {
        if (digest.is_string() && artifacts.count(digest.get<std::string>()) > 0) about = true;
      }
    }
    if (!about && e.type == "policy.reevaluated" && deployed) about = true;
    if (!about && e.type == "policy.reevaluated") {
      for (const auto& f : d.value("non_compliant", nlohmann::json::array())) {
        if (f.is_object() && Str(f, "model_id") == model_id) about = true;
      }
    }
    if (!about) continue;
    any = true;
    if (e.type == "training.recorded") artifacts.insert(Str(d, "artifact_digest"));
    if (e.type == "deploy.allowed" || e.type == "rollback.allowed") deployed = true;
    HistoryEvent h;
    h.sequence = e.sequence;
    h.timestamp = e.timestamp;
    h.type = e.type;
    h.actor = e.actor;
    h.subject = e.subject;
    h.environment = Str(d, "environment");
    h.summary = Summary(e, d, model_id);
    if (e.timestamp < filter.since) continue;
    if (!filter.environment.empty()) {
      const bool names_env = !h.environment.empty() || d.contains("environments");
      const bool matches = h.environment == filter.environment ||
                           (d.contains("environments") && d["environments"].is_array() &&
                            std::find(d["environments"].begin(), d["environments"].end(),
                                      filter.environment) != d["environments"].end());
      if (names_env && !matches) continue;
    }
    h.details = std::move(d);
    out.push_back(std::move(h));
  }
  if (!any) return NotFoundError(fmt::format("no ledger entry is about model {}", model_id));
  return out;
}

namespace {

// The released facts of one approval, as JSON sections to compare.
StatusOr<std::map<std::string, nlohmann::json>> ReleaseSections(Store& store,
                                                                const ApprovalView& v) {
  const ModelApproval& a = v.approval;
  nlohmann::json signers = nlohmann::json::array();
  for (const ApprovalSigner& s : v.signers) {
    if (s.counts) signers.push_back(s.identity);
  }
  nlohmann::json exceptions = nlohmann::json::object();
  for (const PolicyException& e : a.policy.exceptions) {
    exceptions[e.rule] = {{"reason", e.reason},
                          {"approver", e.approver},
                          {"expires_at", FormatRfc3339(e.expires_at)}};
  }
  std::map<std::string, nlohmann::json> sections;
  sections["approval"] = {{"model_version", a.model_version},
                          {"artifact_digest", a.artifact_digest},
                          {"environments", a.environments},
                          {"scopes", a.scopes},
                          {"required_approvers", a.required_approvers},
                          {"approvers", signers},
                          {"trainer", a.trainer}};
  sections["policy"] = {{"evaluated", a.policy.evaluated},
                        {"bundle_digest", a.policy.bundle_digest},
                        {"warnings", a.policy.warnings},
                        {"exceptions", exceptions}};
  if (a.training_output_digest.empty()) {
    return DataLossError("approval " + a.approval_id + " names no training output");
  }
  TrainingOutputRecord record;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(record, txn.GetTrainingOutput(a.training_output_digest));
    return Status();
  }));
  if (Sha256DigestOf(record.envelope.payload) != a.training_output_digest) {
    return DataLossError(fmt::format(
        "the stored training output of approval {} is not the one it approved ({})",
        a.approval_id, a.training_output_digest));
  }
  auto parsed = nlohmann::json::parse(record.envelope.payload, nullptr, false);
  if (parsed.is_discarded()) return DataLossError("training output " + record.digest + " is not JSON");
  GOV_ASSIGN_OR_RETURN(TrainingOutput out,
                       TrainingOutputFromJson(parsed, "training output " + record.digest));
  sections["metrics"] = out.metrics;
  sections["manifest"] = out.manifest;
  sections["decision_stack"] = ToJson(out.decision_stack);
  return sections;
}

}  // namespace

StatusOr<ApprovalDiff> DiffApprovals(Store& store, const PlaneOptions& options,
                                     std::string_view from_id, std::string_view to_id,
                                     int64_t now) {
  ApprovalDiff diff;
  GOV_ASSIGN_OR_RETURN(diff.from, GetApprovalView(store, options, from_id, now));
  GOV_ASSIGN_OR_RETURN(diff.to, GetApprovalView(store, options, to_id, now));
  GOV_ASSIGN_OR_RETURN(auto before, ReleaseSections(store, diff.from));
  GOV_ASSIGN_OR_RETURN(auto after, ReleaseSections(store, diff.to));
  for (const auto& [section, old_json] : before) {
    // Leaves by JSON pointer; an array is compared whole.
    auto leaves = [](const nlohmann::json& j) {
      std::map<std::string, nlohmann::json> out;
      using Pointer = nlohmann::json::json_pointer;
      std::function<void(const nlohmann::json&, const Pointer&)> walk =
          [&](const nlohmann::json& v, const Pointer& path) {
            if (v.is_object() && !v.empty()) {
              for (const auto& [k, child] : v.items()) walk(child, path / k);
            } else {
              out[path.to_string()] = v;
            }
          };
      walk(j, Pointer());
      return out;
    };
    auto a = leaves(old_json), b = leaves(after[section]);
    for (const auto& [path, value] : a) {
      auto it = b.find(path);
      if (it == b.end()) {
        diff.changes.push_back({section, path, value, nullptr});
      } else if (it->second != value) {
        diff.changes.push_back({section, path, value, it->second});
      }
    }
    for (const auto& [path, value] : b) {
      if (a.count(path) == 0) diff.changes.push_back({section, path, nullptr, value});
    }
  }
  std::stable_sort(diff.changes.begin(), diff.changes.end(),
                   [](const ReleaseChange& x, const ReleaseChange& y) {
                     return std::tie(x.section, x.path) < std::tie(y.section, y.path);
                   });
  return diff;
}

}  // namespace governance
