// Approvals as people read them: each one's state and why (audit.h).
#include "governance/audit.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

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

// The revocation of `a` in force at `now`.
const Revocation* FindRevocationOf(const GovernanceState& state, const ModelApproval& a,
                                   int64_t now) {
  for (const Revocation& r : state.revocations) {
    if (r.revoked_at > now) continue;
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
  if (const Revocation* r = FindRevocationOf(state, a, now)) {
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
// of the same model, issued by `now`. `views` are oldest first.
void MarkSuperseded(std::vector<ApprovalView>& views, int64_t now) {
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
            w.approval.issued_at <= now &&
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
  MarkSuperseded(views, now);
  return views;
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

}  // namespace governance
