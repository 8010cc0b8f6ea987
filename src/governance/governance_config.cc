#include "core/digest.h"
#include "core/json_reader.h"
#include "core/time.h"
#include "governance/config.h"

namespace governance {

GovernanceConfig GovernanceConfig::Default() {
  GovernanceConfig c;
  c.environments = {
      {"development", 1, kDefaultTtlSeconds, {}, false, ""},
      {"staging", 1, kDefaultTtlSeconds, {}, false, ""},
      {"production", 2, kDefaultTtlSeconds, {"staging"}, true, ""},
  };
  return c;
}

const EnvironmentRule* GovernanceConfig::Find(std::string_view environment) const {
  for (const auto& e : environments) {
    if (e.name == environment) return &e;
  }
  return nullptr;
}

EnvironmentRule* GovernanceConfig::Find(std::string_view environment) {
  for (auto& e : environments) {
    if (e.name == environment) return &e;
  }
  return nullptr;
}

namespace {

bool IsEnvironmentName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

Status Bounded(std::string_view origin, const std::string& what, int64_t value, int64_t low,
               int64_t high) {
  if (value < low || value > high) {
    return InvalidArgumentError(std::string(origin) + ": " + what + " " + FormatDuration(value) +
                                " is outside " + FormatDuration(low) + " to " +
                                FormatDuration(high));
  }
  return Status();
}

}  // namespace

Status GovernanceConfig::Validate(std::string_view origin) const {
  const std::string o(origin);
  if (environments.empty()) return InvalidArgumentError(o + ": no environments");
  GOV_RETURN_IF_ERROR(Bounded(origin, "default_ttl", default_ttl_seconds, 1, kMaxApprovalTtlSeconds));
  GOV_RETURN_IF_ERROR(Bounded(origin, "clock_skew", clock_skew_seconds, 0, kMaxClockSkewSeconds));
  GOV_RETURN_IF_ERROR(
      Bounded(origin, "snapshot_ttl", snapshot_ttl_seconds, 60, kMaxSnapshotTtlSeconds));
  for (size_t i = 0; i < environments.size(); ++i) {
    const EnvironmentRule& e = environments[i];
    const std::string where = o + ": environment \"" + e.name + "\"";
    if (!IsEnvironmentName(e.name)) {
      return InvalidArgumentError(o + ": environment name \"" + e.name +
                                  "\" must be 1 to 64 of a-z, 0-9, - and _");
    }
    for (size_t j = 0; j < i; ++j) {
      if (environments[j].name == e.name) return InvalidArgumentError(where + " is repeated");
    }
    if (e.min_approvers < 1 || e.min_approvers > 100) {
      return InvalidArgumentError(where + ": min_approvers must be 1 to 100");
    }
    GOV_RETURN_IF_ERROR(Bounded(where, "max_ttl", e.max_ttl_seconds, 1, kMaxApprovalTtlSeconds));
    if (!e.policy_bundle.empty() && !IsSha256Digest(e.policy_bundle)) {
      return InvalidArgumentError(where + ": policy_bundle must be sha256:<64 hex digits>");
    }
  }
  for (const auto& rule : environments) {
    for (const auto& prior : rule.requires_prior) {
      if (!Find(prior) || prior == rule.name) {
        return InvalidArgumentError(o + ": environment \"" + rule.name +
                                    "\" requires unknown environment \"" + prior + "\"");
      }
    }
  }
  return Status();
}

nlohmann::json ToJson(const GovernanceConfig& c) {
  nlohmann::json envs = nlohmann::json::array();
  for (const auto& e : c.environments) {
    envs.push_back({{"name", e.name},
                    {"min_approvers", e.min_approvers},
                    {"max_ttl", FormatDuration(e.max_ttl_seconds)},
                    {"requires_prior", e.requires_prior},
                    {"separation_of_duties", e.separation_of_duties},
                    {"policy_bundle", e.policy_bundle}});
  }
  return {{"environments", std::move(envs)},
          {"default_ttl", FormatDuration(c.default_ttl_seconds)},
          {"clock_skew", FormatDuration(c.clock_skew_seconds)},
          {"snapshot_ttl", FormatDuration(c.snapshot_ttl_seconds)}};
}

namespace {

StatusOr<int64_t> Duration(const JsonReader& r, const char* name, int64_t fallback) {
  GOV_ASSIGN_OR_RETURN(std::string text, r.OptionalString(name));
  if (text.empty()) return fallback;
  // No tolerance at all is a valid choice for clock_skew (bounds check the rest).
  if (text.size() >= 2 && text.find_first_not_of('0') == text.size() - 1 &&
      std::string_view("smhdw").find(text.back()) != std::string_view::npos) {
    return 0;
  }
  auto d = ParseDurationSeconds(text);
  if (!d.ok()) return r.Error(name, d.status().message());
  return *d;
}

}  // namespace

StatusOr<GovernanceConfig> GovernanceConfigFromJson(const nlohmann::json& j,
                                                    std::string_view origin) {
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireKnown({"environments", "default_ttl", "clock_skew", "snapshot_ttl"}));
  GovernanceConfig c;
  GOV_ASSIGN_OR_RETURN(c.default_ttl_seconds, Duration(r, "default_ttl", kDefaultTtlSeconds));
  GOV_ASSIGN_OR_RETURN(c.clock_skew_seconds, Duration(r, "clock_skew", 60));
  GOV_ASSIGN_OR_RETURN(c.snapshot_ttl_seconds,
                       Duration(r, "snapshot_ttl", kDefaultSnapshotTtlSeconds));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* envs, r.Member("environments", true));
  if (!envs->is_array() || envs->empty()) {
    return r.Error("environments", "must be a non-empty array");
  }
  for (size_t i = 0; i < envs->size(); ++i) {
    JsonReader e((*envs)[i], std::string(origin), "/environments/" + std::to_string(i));
    GOV_RETURN_IF_ERROR(e.RequireKnown({"name", "min_approvers", "max_ttl", "requires_prior",
                                        "separation_of_duties", "policy_bundle"}));
    EnvironmentRule rule;
    GOV_ASSIGN_OR_RETURN(rule.name, e.String("name"));
    GOV_ASSIGN_OR_RETURN(int64_t min, e.Int("min_approvers"));
    if (min < 1 || min > 100) return e.Error("min_approvers", "must be 1 to 100");
    rule.min_approvers = static_cast<int>(min);
    GOV_ASSIGN_OR_RETURN(rule.max_ttl_seconds, Duration(e, "max_ttl", kDefaultTtlSeconds));
    GOV_ASSIGN_OR_RETURN(rule.requires_prior, e.StringList("requires_prior", true));
    GOV_ASSIGN_OR_RETURN(rule.separation_of_duties, e.Bool("separation_of_duties", true));
    GOV_ASSIGN_OR_RETURN(rule.policy_bundle, e.OptionalString("policy_bundle"));
    c.environments.push_back(std::move(rule));
  }
  GOV_RETURN_IF_ERROR(c.Validate(origin));
  return c;
}

}  // namespace governance
