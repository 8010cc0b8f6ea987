// A model's history from the verified ledger (audit.h, model_history.h).
#include "governance/model_history.h"

#include <set>

#include <fmt/format.h>

#include "governance/quorum.h"
#include "governance/state.h"

namespace governance {
namespace {

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

StatusOr<ModelLedger> ReadModelLedger(Store& store, const PlaneOptions& options,
                                      std::string_view model_id,
                                      const std::optional<LedgerCheckpoint>& checkpoint) {
  GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(store, options));
  ModelLedger out;
  std::vector<ApprovalRecord> approvals;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(out.entries, txn.ReadLedger());
    GOV_ASSIGN_OR_RETURN(approvals, txn.ListApprovals(model_id));
    return Status();
  }));
  LedgerVerification verified = VerifyLedger(out.entries, LedgerKeys(state.roots), checkpoint);
  if (!verified.ok) {
    return PermissionDeniedError(fmt::format("ledger: entry {} does not verify: {}",
                                             verified.first_bad_sequence, verified.reason));
  }
  std::set<std::string, std::less<>> approval_ids, artifacts;
  for (const ApprovalRecord& a : approvals) approval_ids.insert(a.approval_id);
  bool deployed = false;
  for (const LedgerEntry& e : out.entries) {
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
    h.details = std::move(d);
    out.events.push_back(std::move(h));
  }
  if (out.events.empty()) {
    return NotFoundError(fmt::format("no ledger entry is about model {}", model_id));
  }
  return out;
}

StatusOr<std::vector<HistoryEvent>> ModelHistory(Store& store, const PlaneOptions& options,
                                                 std::string_view model_id,
                                                 const HistoryFilter& filter) {
  GOV_ASSIGN_OR_RETURN(ModelLedger ledger, ReadModelLedger(store, options, model_id, {}));
  std::vector<HistoryEvent> out;
  for (HistoryEvent& h : ledger.events) {
    if (h.timestamp < filter.since) continue;
    if (!filter.environment.empty()) {
      const nlohmann::json& d = h.details;
      const bool lists = d.contains("environments") && d["environments"].is_array();
      const bool names_env = !h.environment.empty() || lists;
      const bool matches =
          h.environment == filter.environment ||
          (lists && std::find(d["environments"].begin(), d["environments"].end(),
                              filter.environment) != d["environments"].end());
      if (names_env && !matches) continue;
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace governance
