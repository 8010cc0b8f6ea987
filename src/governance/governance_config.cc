#include "core/document.h"
#include "core/json_reader.h"
#include "core/time.h"
#include "governance/coordinator.h"

namespace governance {

inline constexpr char kConfigSetting[] = "governance.config";

GovernanceConfig GovernanceConfig::Default() {
  GovernanceConfig c;
  c.environments = {
      {"development", 1, kDefaultTtlSeconds, {}},
      {"staging", 1, kDefaultTtlSeconds, {}},
      {"production", 2, kDefaultTtlSeconds, {"staging"}},
  };
  return c;
}

const EnvironmentRule* GovernanceConfig::Find(std::string_view environment) const {
  for (const auto& e : environments) {
    if (e.name == environment) return &e;
  }
  return nullptr;
}

nlohmann::json ToJson(const GovernanceConfig& c) {
  nlohmann::json envs = nlohmann::json::array();
  for (const auto& e : c.environments) {
    envs.push_back({{"name", e.name},
                    {"min_approvers", e.min_approvers},
                    {"max_ttl", FormatDuration(e.max_ttl_seconds)},
                    {"requires_prior", e.requires_prior}});
  }
  return {{"environments", std::move(envs)},
          {"default_ttl", FormatDuration(c.default_ttl_seconds)},
          {"clock_skew", FormatDuration(c.clock_skew_seconds)}};
}

namespace {
StatusOr<int64_t> Duration(const JsonReader& r, const char* name, int64_t fallback) {
  GOV_ASSIGN_OR_RETURN(std::string text, r.OptionalString(name));
  if (text.empty()) return fallback;
  auto d = ParseDurationSeconds(text);
  if (!d.ok()) return r.Error(name, d.status().message());
  return *d;
}
}  // namespace

StatusOr<GovernanceConfig> GovernanceConfigFromJson(const nlohmann::json& j,
                                                    std::string_view origin) {
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireObject());
  GovernanceConfig c;
  GOV_ASSIGN_OR_RETURN(c.default_ttl_seconds, Duration(r, "default_ttl", kDefaultTtlSeconds));
  GOV_ASSIGN_OR_RETURN(c.clock_skew_seconds, Duration(r, "clock_skew", 60));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* envs, r.Member("environments", true));
  if (!envs->is_array() || envs->empty()) {
    return r.Error("environments", "must be a non-empty array");
  }
  for (size_t i = 0; i < envs->size(); ++i) {
    JsonReader e((*envs)[i], std::string(origin), "/environments/" + std::to_string(i));
    EnvironmentRule rule;
    GOV_ASSIGN_OR_RETURN(rule.name, e.String("name"));
    GOV_ASSIGN_OR_RETURN(int64_t min, e.Int("min_approvers"));
    if (min < 1 || min > 100) return e.Error("min_approvers", "must be 1 to 100");
    rule.min_approvers = static_cast<int>(min);
    GOV_ASSIGN_OR_RETURN(rule.max_ttl_seconds, Duration(e, "max_ttl", kDefaultTtlSeconds));
    GOV_ASSIGN_OR_RETURN(rule.requires_prior, e.StringList("requires_prior", true));
    if (c.Find(rule.name)) return e.Error("name", "repeats environment \"" + rule.name + "\"");
    c.environments.push_back(std::move(rule));
  }
  for (const auto& rule : c.environments) {
    for (const auto& prior : rule.requires_prior) {
      if (!c.Find(prior) || prior == rule.name) {
        return InvalidArgumentError(std::string(origin) + ": environment \"" + rule.name +
                                    "\" requires unknown environment \"" + prior + "\"");
      }
    }
  }
  return c;
}

StatusOr<GovernanceConfig> LoadGovernanceConfig(StoreTransaction& txn) {
  GOV_ASSIGN_OR_RETURN(auto text, txn.GetSetting(kConfigSetting));
  if (!text) return GovernanceConfig::Default();
  GOV_ASSIGN_OR_RETURN(auto j, ParseJson(*text, "stored governance config"));
  return GovernanceConfigFromJson(j, "stored governance config");
}

}  // namespace governance
