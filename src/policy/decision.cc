// PolicyBundle::Evaluate: the conftest-style decision over one package, and
// the exception (waiver) rules documented in governance/policy.h.
#include <chrono>

#include <fmt/format.h>

#include "core/time.h"
#include "governance/policy.h"
#include "policy/bundle_impl.h"
#include "policy/evaluator.h"
#include "policy/input.h"

namespace governance {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

using Role = DecisionRules::Role;

// The role of a rule named `name`; false for a rule a decision does not read.
bool RoleOf(std::string_view name, Role* role) {
  if (name == "deny" || name == "violation" || StartsWith(name, "deny_") ||
      StartsWith(name, "violation_")) {
    *role = Role::kDeny;
  } else if (name == "warn" || StartsWith(name, "warn_")) {
    *role = Role::kWarn;
  } else if (name == "exception") {
    *role = Role::kException;
  } else {
    return false;
  }
  return true;
}

// The decision rules among the children of `pkg`.
DecisionRules RulesOf(const rego::RuleNode& pkg, bool by_node) {
  DecisionRules out;
  out.by_node = by_node;
  for (const auto& [name, child] : pkg.children) {
    Role role;
    if (child->has_rules() && RoleOf(name, &role)) out.rules.push_back({name, child.get(), role});
  }
  return out;
}

void CollectDecisionRules(const rego::RuleNode& node, bool by_node,
                          std::map<std::string, DecisionRules, std::less<>>* out) {
  by_node = by_node && !node.has_rules();
  if (!node.path.empty()) {
    DecisionRules rules = RulesOf(node, by_node);
    // Keyed by the namespace: path_text without its "data." prefix.
    if (!rules.rules.empty()) out->emplace(node.path_text.substr(5), std::move(rules));
  }
  for (const auto& [name, child] : node.children) CollectDecisionRules(*child, by_node, out);
}

// "deny_accuracy" -> "accuracy"; "deny" -> "".
std::string Topic(std::string_view rule) {
  for (std::string_view p : {"deny_", "violation_", "warn_"}) {
    if (StartsWith(rule, p)) return std::string(rule.substr(p.size()));
  }
  return "";
}

void CollectMessages(const std::string& rule, const rego::Value& v,
                     std::vector<PolicyMessage>* out) {
  auto one = [&](const rego::Value& e) {
    PolicyMessage m;
    m.rule = rule;
    if (e.is_string()) {
      m.message = e.str();
    } else if (e.is_object()) {
      const rego::Value* msg = e.FindString("msg");
      m.message = msg != nullptr ? msg->ToDisplayString() : e.ToString();
      m.details = e.ToJson();
    } else if (e.is_true()) {
      m.message = rule;
    } else if (e.is_false()) {
      return;
    } else {
      m.message = e.ToDisplayString();
    }
    out->push_back(std::move(m));
  };
  if (v.is_set() || v.is_array()) {
    for (const rego::Value& e : v.items()) one(e);
  } else if (v.defined()) {
    one(v);
  }
}

std::vector<std::string> SplitNames(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = part.find_first_not_of(" \t");
    size_t e = part.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Does an exception naming `name` waive `rule`? Both "accuracy" and
// "deny_accuracy" name deny_accuracy; unsuffixed deny rules are never waived.
bool Waives(const std::string& name, const std::string& rule) {
  std::string topic = Topic(rule);
  if (topic.empty()) return false;
  return name == rule || name == topic;
}

}  // namespace

nlohmann::json PolicyDecision::ToJson() const {
  auto messages = [](const std::vector<PolicyMessage>& v) {
    nlohmann::json arr = nlohmann::json::array();
    for (const PolicyMessage& m : v) {
      nlohmann::json o = {{"rule", m.rule}, {"msg", m.message}};
      if (!m.details.is_null()) o["details"] = m.details;
      arr.push_back(std::move(o));
    }
    return arr;
  };
  nlohmann::json ex = nlohmann::json::array();
  for (const AppliedException& e : exceptions_applied) {
    ex.push_back({{"rule", e.rule},
                  {"source", e.source},
                  {"reason", e.reason},
                  {"approver", e.approver},
                  {"expires", e.expires},
                  {"waived_messages", e.waived_messages}});
  }
  return {{"allowed", allowed()},
          {"namespace", policy_namespace},
          {"denials", messages(denials)},
          {"warnings", messages(warnings)},
          {"waived", messages(waived)},
          {"exceptions_applied", ex},
          {"bundle_digest", bundle_digest},
          {"input_digest", input_digest}};
}

StatusOr<PolicyDecision> PolicyBundle::Evaluate(const nlohmann::json& input,
                                                std::string_view policy_namespace) const {
  EvaluateOptions options;
  options.policy_namespace = std::string(policy_namespace);
  return Evaluate(input, options);
}

StatusOr<DecisionRules> FindDecisionRules(const rego::Program& program,
                                          std::string_view policy_namespace) {
  std::vector<std::string> path;
  size_t start = 0;
  while (start <= policy_namespace.size()) {
    size_t dot = policy_namespace.find('.', start);
    path.emplace_back(policy_namespace.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (!path.empty() && path[0] == "data") path.erase(path.begin());
  // Walk to the package once; its rules are then evaluated by node rather
  // than by path (looking each rule up again from the root was 3% of an
  // evaluation). A rule above the package changes what a path means, so
  // then every rule still goes by path.
  const rego::RuleNode* pkg = program.root.get();
  bool by_node = true;
  for (const std::string& p : path) {
    auto it = pkg->children.find(p);
    if (it == pkg->children.end()) {
      pkg = nullptr;
      break;
    }
    pkg = it->second.get();
    by_node = by_node && !pkg->has_rules();
  }
  if (pkg == nullptr || path.empty()) {
    return NotFoundError(fmt::format("policy bundle has no package {}", policy_namespace));
  }
  return RulesOf(*pkg, by_node);
}

std::map<std::string, DecisionRules, std::less<>> AllDecisionRules(const rego::Program& program) {
  std::map<std::string, DecisionRules, std::less<>> out;
  CollectDecisionRules(*program.root, true, &out);
  return out;
}

StatusOr<PolicyDecision> PolicyBundle::Evaluate(const nlohmann::json& input,
                                                const EvaluateOptions& options) const {
  std::string_view ns = options.policy_namespace;
  if (StartsWith(ns, "data.")) ns.remove_prefix(5);
  auto known = impl_->decision_rules.find(ns);
  DecisionRules other;
  if (known == impl_->decision_rules.end()) {
    GOV_ASSIGN_OR_RETURN(other, FindDecisionRules(*impl_->program, options.policy_namespace));
  }
  const DecisionRules& pkg = known != impl_->decision_rules.end() ? known->second : other;
  PolicyDecision decision;
  decision.policy_namespace = options.policy_namespace;
  decision.bundle_digest = impl_->digest;

  rego::EvalOptions eo;
  eo.strict_builtin_errors = impl_->options.strict_builtin_errors || options.strict_builtin_errors;
  eo.budget = options.budget;
  eo.print = options.print;
  eo.now_ns = options.now_unix_seconds * 1'000'000'000;  // 0: the wall clock
  eo.read_host_files = impl_->options.read_host_files;
  rego::Evaluator ev(*impl_->program, eo);
  rego::Value in = rego::ConvertInput(input, &impl_->program->strings, &decision.input_digest);
  std::vector<PolicyMessage> denials;
  std::vector<std::string> policy_exceptions;
  for (const DecisionRules::Rule& rule : pkg.rules) {
    GOV_ASSIGN_OR_RETURN(rego::Value v, pkg.by_node ? ev.EvalRule(rule.node, in)
                                                    : ev.EvalPath(rule.node->path, in));
    switch (rule.role) {
      case Role::kDeny:
        CollectMessages(rule.name, v, &denials);
        break;
      case Role::kWarn:
        CollectMessages(rule.name, v, &decision.warnings);
        break;
      case Role::kException:
        if (v.is_set() || v.is_array()) {
          for (const rego::Value& e : v.items()) {
            if (e.is_string()) policy_exceptions.push_back(e.str());
          }
        } else if (v.is_string()) {
          policy_exceptions.push_back(v.str());
        }
        break;
    }
  }

  // Manifest exceptions, valid only while unexpired and complete.
  struct Granted {
    std::vector<std::string> names;
    AppliedException info;
  };
  std::vector<Granted> granted;
  for (const std::string& name : policy_exceptions) {
    Granted g;
    g.names = {name};
    g.info.source = "policy";
    granted.push_back(std::move(g));
  }
  const nlohmann::json* annotations = nullptr;
  if (input.is_object() && input.contains("metadata") && input["metadata"].is_object() &&
      input["metadata"].contains("annotations") && input["metadata"]["annotations"].is_object()) {
    annotations = &input["metadata"]["annotations"];
  }
  auto annotation = [&](const char* key) -> std::string {
    if (annotations == nullptr || !annotations->contains(key)) return "";
    const nlohmann::json& v = (*annotations)[key];
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  std::string rules = annotation("policy.mgov.dev/exception");
  if (!rules.empty()) {
    Granted g;
    g.names = SplitNames(rules);
    g.info.source = "manifest";
    g.info.reason = annotation("policy.mgov.dev/exception-reason");
    g.info.approver = annotation("policy.mgov.dev/exception-approver");
    g.info.expires = annotation("policy.mgov.dev/exception-expires");
    std::vector<std::string> missing;
    if (g.info.reason.empty()) missing.push_back("policy.mgov.dev/exception-reason");
    if (g.info.approver.empty()) missing.push_back("policy.mgov.dev/exception-approver");
    if (g.info.expires.empty()) missing.push_back("policy.mgov.dev/exception-expires");
    if (!missing.empty()) {
      std::string list;
      for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
      decision.warnings.push_back(
          {"exception", fmt::format("Exception for {} ignored: missing {}", rules, list), nullptr});
    } else {
      StatusOr<UnixSeconds> expires = ParseRfc3339(g.info.expires);
      int64_t now = options.now_unix_seconds != 0 ? options.now_unix_seconds : NowSeconds();
      if (!expires.ok()) {
        decision.warnings.push_back({"exception",
                                     fmt::format("Exception for {} ignored: {}", rules,
                                                 expires.status().message()),
                                     nullptr});
      } else if (*expires <= now) {
        decision.warnings.push_back(
            {"exception",
             fmt::format("Exception for {} expired at {} and was not applied", rules, g.info.expires),
             nullptr});
      } else {
        granted.push_back(std::move(g));
      }
    }
  }

  for (PolicyMessage& m : denials) {
    const Granted* waiver = nullptr;
    for (const Granted& g : granted) {
      for (const std::string& n : g.names) {
        if (Waives(n, m.rule)) waiver = &g;
      }
      if (waiver != nullptr) break;
    }
    if (waiver == nullptr) {
      decision.denials.push_back(std::move(m));
      continue;
    }
    AppliedException* applied = nullptr;
    for (AppliedException& a : decision.exceptions_applied) {
      if (a.rule == m.rule && a.source == waiver->info.source) applied = &a;
    }
    if (applied == nullptr) {
      decision.exceptions_applied.push_back(waiver->info);
      applied = &decision.exceptions_applied.back();
      applied->rule = m.rule;
    }
    applied->waived_messages.push_back(m.message);
    decision.waived.push_back(std::move(m));
  }
  return decision;
}

}  // namespace governance
