// The governance configuration: what each environment demands of an
// approval and of a deployment. It takes effect only through a governance
// change signed by the admin threshold (administration.h); the store keeps no
// configuration of its own that a gate would believe.
//
//   GovernanceConfig c = GovernanceConfig::Default();
//   c.Find("production")->policy_bundle = bundle.digest();
//   administration.SetConfig(c, admin_key);
#ifndef GOVERNANCE_CONFIG_H_
#define GOVERNANCE_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance {

inline constexpr int64_t kDefaultTtlSeconds = 90LL * 24 * 3600;
// The largest clock skew a configuration may allow: a wider one would revive
// expired approvals.
inline constexpr int64_t kMaxClockSkewSeconds = 3600;
// The longest approval validity any environment may allow.
inline constexpr int64_t kMaxApprovalTtlSeconds = 2LL * 365 * 24 * 3600;
// Default and largest freshness window of the store's signed snapshot.
inline constexpr int64_t kDefaultSnapshotTtlSeconds = 24 * 3600;
inline constexpr int64_t kMaxSnapshotTtlSeconds = 30LL * 24 * 3600;

// What an environment demands of every approval used to deploy to it.
struct EnvironmentRule {
  std::string name;
  // Distinct approver identities needed; an approval may ask for more, never fewer.
  int min_approvers = 1;
  // Longest validity an approval for this environment may have. Checked when
  // an approval is issued and again by the gate, so lowering it also shortens
  // approvals already issued.
  int64_t max_ttl_seconds = kDefaultTtlSeconds;
  // Environments the same artifact must have been deployed to first.
  std::vector<std::string> requires_prior;
  // When true, a deployer whose identity signed the approval may not deploy
  // it. A configuration file that does not mention it gets true (the safe
  // side); the default configuration sets it for production only.
  bool separation_of_duties = true;
  // "sha256:<hex>" of the policy bundle an approval for this environment must
  // have been evaluated with; empty: no policy is required.
  std::string policy_bundle;
};

struct GovernanceConfig {
  // Known environments. Approving for or deploying to any other is refused.
  // Default: development (1 approver), staging (1), production (2, after
  // staging, separation of duties).
  std::vector<EnvironmentRule> environments;
  // Validity of an approval when none is asked for. Default 90 days.
  int64_t default_ttl_seconds = kDefaultTtlSeconds;
  // Tolerance for clocks that disagree, applied to not_before and expires_at.
  // Default 60 s; at most kMaxClockSkewSeconds.
  int64_t clock_skew_seconds = 60;
  // How old the store's signed snapshot may be before gates refuse to trust
  // the state it vouches for (a freeze). Default 24 h; at most 30 days.
  int64_t snapshot_ttl_seconds = kDefaultSnapshotTtlSeconds;

  static GovernanceConfig Default();
  const EnvironmentRule* Find(std::string_view environment) const;
  EnvironmentRule* Find(std::string_view environment);
  // Checks every bound above, names, and that requires_prior names other
  // known environments. InvalidArgument naming `origin` and the field.
  Status Validate(std::string_view origin) const;
};

// {"environments": [{name, min_approvers, max_ttl, requires_prior,
//   separation_of_duties, policy_bundle}], default_ttl, clock_skew, snapshot_ttl}
nlohmann::json ToJson(const GovernanceConfig& config);
// Parses and validates (GovernanceConfig::Validate) the form above; durations
// are text such as "90d". Unknown fields are refused, so that a misspelt rule
// never silently means "no rule".
StatusOr<GovernanceConfig> GovernanceConfigFromJson(const nlohmann::json& j,
                                                    std::string_view origin);

}  // namespace governance

#endif  // GOVERNANCE_CONFIG_H_
