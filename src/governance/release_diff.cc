// What changed between two approved releases (audit.h).
#include "governance/audit.h"

#include <algorithm>
#include <functional>
#include <tuple>

#include <fmt/format.h>

#include "core/decision_stack.h"
#include "core/digest.h"
#include "core/time.h"

namespace governance {
namespace {

// The released facts of one approval, as JSON sections to compare.
StatusOr<std::map<std::string, nlohmann::json>> ReleaseSections(Store& store,
                                                                const ApprovalView& v) {
  const ModelApproval& a = v.approval;
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
                          {"approvers", CountedApprovers(v)},
                          {"trainer", a.trainer}};
  sections["policy"] = {{"evaluated", a.policy.evaluated},
                        {"bundle_digest", a.policy.bundle_digest},
                        {"warnings", a.policy.warnings},
                        {"exceptions", exceptions}};
  GOV_ASSIGN_OR_RETURN(TrainingOutput out, ApprovedTrainingOutput(store, a));
  sections["metrics"] = out.metrics;
  sections["manifest"] = out.manifest;
  sections["decision_stack"] = ToJson(out.decision_stack);
  sections["release_notes"] = out.release_notes ? ToJson(*out.release_notes) : nlohmann::json();
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
