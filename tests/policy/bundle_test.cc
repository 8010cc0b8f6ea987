// The default bundle (policies/), decisions, exceptions, digests and tests.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <fstream>
#include <thread>

#include "core/document.h"
#include "core/time.h"
#include "governance/policy.h"

namespace governance {
namespace {

const std::string kPolicies = std::string(GOV_SOURCE_DIR) + "/policies";
const std::string kManifests = std::string(GOV_SOURCE_DIR) + "/examples/manifests/";

const PolicyBundle& DefaultBundle() {
  static const PolicyBundle* bundle = [] {
    auto b = LoadPolicyBundle(kPolicies);
    REQUIRE_MESSAGE(b.ok(), b.status().message());
    return new PolicyBundle(*b);
  }();
  return *bundle;
}

nlohmann::json Manifest(const std::string& name) {
  auto doc = LoadDocument(kManifests + name + ".yaml");
  REQUIRE_MESSAGE(doc.ok(), doc.status().message());
  return *doc;
}

PolicyDecision Decide(const nlohmann::json& input, int64_t now = 0) {
  EvaluateOptions opts;
  opts.now_unix_seconds = now;
  auto d = DefaultBundle().Evaluate(input, opts);
  REQUIRE_MESSAGE(d.ok(), d.status().message());
  return *d;
}

std::string TempDir(const std::string& name) {
  std::string dir = std::string(GOV_BINARY_DIR) + "/policy_bundle_test/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("Bundle: the valid manifest is allowed with no messages") {
  PolicyDecision d = Decide(Manifest("valid"));
  CHECK(d.allowed());
  CHECK(d.denials.empty());
  CHECK(d.warnings.empty());
  CHECK(d.policy_namespace == "model.governance");
  CHECK(d.bundle_digest == DefaultBundle().digest());
  CHECK(d.input_digest.rfind("sha256:", 0) == 0);
  CHECK(d.input_digest.size() == 7 + 64);
}

TEST_CASE("Bundle: each invalid manifest is denied by the rule it is named after") {
  const std::pair<const char*, const char*> kExpected[] = {
      {"deny_accuracy", "Model accuracy 0.78 is below minimum threshold 0.85"},
      {"deny_f1_score", "Model F1 score 0.75 is below minimum threshold 0.80"},
      {"deny_fairness", "Model must include fairness/bias evaluation metrics"},
      {"deny_demographic_parity", "Demographic parity 0.15 exceeds acceptable threshold 0.10"},
      {"deny_drift", "Model drift score 0.45 exceeds critical threshold"},
      {"deny_dependency", "Unapproved dependency: requests"},
      {"deny_framework", "Framework jax is not approved for production"},
      {"deny_experiment", "Model must be linked to a tracked experiment (MLflow/W&B)"},
      {"deny_data_source", "Data source crm_raw is not approved"},
      {"deny_artifact_format",
       "Artifact format pickle is pickle-based and may execute code on load; use safetensors or "
       "ONNX"},
      {"deny_model_card", "Model card field limitations must not be empty"},
  };
  for (const auto& [rule_name, expected_message] : kExpected) {
    // doctest's CAPTURE is a lambda, which clang 14 cannot give a structured binding.
    const std::string rule = rule_name, message = expected_message;
    CAPTURE(rule);
    PolicyDecision d = Decide(Manifest(rule));
    CHECK_FALSE(d.allowed());
    REQUIRE(d.denials.size() == 1);
    CHECK(d.denials[0].rule == rule);
    CHECK(d.denials[0].message == message);
  }
}

TEST_CASE("Bundle: warnings do not deny") {
  PolicyDecision d = Decide(Manifest("warn_latency"));
  CHECK(d.allowed());
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].message == "Model latency p95 250ms exceeds target 200ms");
}

TEST_CASE("Bundle: a manifest exception waives its rule only while unexpired") {
  nlohmann::json m = Manifest("exception_accuracy");
  int64_t before = *ParseRfc3339("2098-12-31T23:59:59Z");
  PolicyDecision d = Decide(m, before);
  CHECK(d.allowed());
  REQUIRE(d.exceptions_applied.size() == 1);
  const AppliedException& e = d.exceptions_applied[0];
  CHECK(e.rule == "deny_accuracy");
  CHECK(e.source == "manifest");
  CHECK(e.reason == "Interim model while the Q3 retrain completes");
  CHECK(e.approver == "alice@example.com");
  CHECK(e.expires == "2099-01-01T00:00:00Z");
  CHECK(e.waived_messages ==
        std::vector<std::string>{"Model accuracy 0.78 is below minimum threshold 0.85"});
  REQUIRE(d.waived.size() == 1);

  PolicyDecision expired = Decide(m, *ParseRfc3339("2099-01-01T00:00:00Z"));
  CHECK_FALSE(expired.allowed());
  CHECK(expired.exceptions_applied.empty());
  REQUIRE(expired.warnings.size() == 1);
  CHECK(expired.warnings[0].message ==
        "Exception for accuracy expired at 2099-01-01T00:00:00Z and was not applied");
}

TEST_CASE("Bundle: an incomplete exception is ignored with a warning") {
  nlohmann::json m = Manifest("deny_accuracy");
  m["metadata"]["annotations"]["policy.mgov.dev/exception"] = "deny_accuracy";
  m["metadata"]["annotations"]["policy.mgov.dev/exception-reason"] = "because";
  PolicyDecision d = Decide(m);
  CHECK_FALSE(d.allowed());
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].message ==
        "Exception for deny_accuracy ignored: missing policy.mgov.dev/exception-approver, "
        "policy.mgov.dev/exception-expires");
}

TEST_CASE("Bundle: an exception does not waive other rules") {
  nlohmann::json m = Manifest("deny_drift");
  m["metadata"]["annotations"] = {{"policy.mgov.dev/exception", "accuracy"},
                                  {"policy.mgov.dev/exception-reason", "r"},
                                  {"policy.mgov.dev/exception-approver", "a"},
                                  {"policy.mgov.dev/exception-expires", "2099-01-01T00:00:00Z"}};
  PolicyDecision d = Decide(m);
  CHECK_FALSE(d.allowed());
  CHECK(d.exceptions_applied.empty());
}

TEST_CASE("Bundle: Rego exception rules waive by topic (conftest)") {
  std::string dir = TempDir("rego_exception");
  Write(dir + "/p.rego", R"(package model.governance
import rego.v1
deny_size contains "too big" if input.size > 1
deny_color contains "wrong color" if input.color != "blue"
exception contains "size" if input.team == "research"
)");
  auto b = LoadPolicyBundle(dir);
  REQUIRE(b.ok());
  auto d = b->Evaluate({{"size", 2}, {"color", "red"}, {"team", "research"}});
  REQUIRE(d.ok());
  REQUIRE(d->denials.size() == 1);
  CHECK(d->denials[0].rule == "deny_color");
  REQUIRE(d->exceptions_applied.size() == 1);
  CHECK(d->exceptions_applied[0].rule == "deny_size");
  CHECK(d->exceptions_applied[0].source == "policy");
}

TEST_CASE("Bundle: deny objects with msg, violation rules, JSON form") {
  std::string dir = TempDir("objects");
  Write(dir + "/p.rego", R"(package x
import rego.v1
violation contains {"msg": "bad", "code": 7} if true
)");
  auto b = LoadPolicyBundle(dir);
  REQUIRE(b.ok());
  auto d = b->Evaluate(nlohmann::json::object(), "x");
  REQUIRE(d.ok());
  REQUIRE(d->denials.size() == 1);
  CHECK(d->denials[0].message == "bad");
  CHECK(d->denials[0].details["code"] == 7);
  nlohmann::json j = d->ToJson();
  CHECK(j["allowed"] == false);
  CHECK(j["denials"][0]["msg"] == "bad");
  CHECK(j["namespace"] == "x");
}

TEST_CASE("Bundle: namespaces with and without data., with and without decision rules") {
  std::string dir = TempDir("namespaces");
  Write(dir + "/p.rego", R"(package x.y
import rego.v1
deny contains "inner" if input.bad
warn_size contains "big" if input.big
)");
  Write(dir + "/q.rego", "package x.z\nimport rego.v1\nlimit := 3\n");
  auto b = LoadPolicyBundle(dir);
  REQUIRE(b.ok());
  nlohmann::json input = {{"bad", true}, {"big", true}};
  for (const char* ns : {"x.y", "data.x.y"}) {
    auto d = b->Evaluate(input, ns);
    REQUIRE(d.ok());
    REQUIRE(d->denials.size() == 1);
    CHECK(d->denials[0].rule == "deny");
    REQUIRE(d->warnings.size() == 1);
    CHECK(d->warnings[0].rule == "warn_size");
    CHECK(d->policy_namespace == ns);
  }
  // A package with no deny, warn or exception rules, and one above the
  // rules: nothing to fail.
  for (const char* ns : {"x.z", "x"}) {
    auto d = b->Evaluate(input, ns);
    REQUIRE(d.ok());
    CHECK(d->allowed());
    CHECK(d->warnings.empty());
  }
  for (const char* ns : {"x.q", "data", "", "x.y.deny.more"}) {
    auto d = b->Evaluate(input, ns);
    CHECK(d.status().code() == StatusCode::kNotFound);
  }
}

TEST_CASE("Bundle: digest covers paths and contents") {
  std::string dir = TempDir("digest");
  Write(dir + "/a.rego", "package a\nimport rego.v1\np := 1\n");
  Write(dir + "/data.json", R"({"k": 1})");
  auto b1 = LoadPolicyBundle(dir);
  REQUIRE(b1.ok());
  CHECK(b1->files() == std::vector<std::string>{"a.rego", "data.json"});
  CHECK(b1->digest().rfind("sha256:", 0) == 0);
  auto again = LoadPolicyBundle(dir);
  CHECK(again->digest() == b1->digest());
  Write(dir + "/data.json", R"({"k": 2})");
  auto b2 = LoadPolicyBundle(dir);
  CHECK(b2->digest() != b1->digest());
  std::filesystem::rename(dir + "/a.rego", dir + "/b.rego");
  auto b3 = LoadPolicyBundle(dir);
  CHECK(b3->digest() != b2->digest());
}

TEST_CASE("Bundle: load errors") {
  auto missing = LoadPolicyBundle("/nonexistent/policies");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() == "/nonexistent/policies: policy directory does not exist");
  std::string dir = TempDir("parse_error");
  Write(dir + "/bad.rego", "package a\n\np := [1,\n");
  auto bad = LoadPolicyBundle(dir);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        dir + "/bad.rego:4:1: rego_parse_error: unexpected end of file (expected a term)");
  auto ns = DefaultBundle().Evaluate(nlohmann::json::object(), "no.such");
  CHECK(ns.status().code() == StatusCode::kNotFound);
  CHECK(ns.status().message() == "policy bundle has no package no.such");
}

TEST_CASE("Bundle: v0 modules need v0_compatible") {
  std::string dir = TempDir("v0");
  Write(dir + "/p.rego", "package model.governance\ndeny[msg] { msg := \"no\" }\n");
  CHECK_FALSE(LoadPolicyBundle(dir).ok());
  BundleOptions opts;
  opts.v0_compatible = true;
  auto b = LoadPolicyBundle(dir, opts);
  REQUIRE(b.ok());
  auto d = b->Evaluate(nlohmann::json::object());
  REQUIRE(d.ok());
  REQUIRE(d->denials.size() == 1);
  CHECK(d->denials[0].message == "no");
}

TEST_CASE("Bundle: the default bundle's Rego tests pass") {
  auto results = RunPolicyTests(DefaultBundle());
  REQUIRE(results.ok());
  CHECK(results->size() >= 20);
  for (const PolicyTestResult& r : *results) {
    CAPTURE(r.name);
    CHECK(r.passed);
    CHECK(r.error.empty());
    CHECK(r.package == "model.governance_test");
  }
  auto filtered = RunPolicyTests(DefaultBundle(), "test_drift");
  REQUIRE(filtered.ok());
  CHECK(filtered->size() == 2);
}

TEST_CASE("Bundle: concurrent evaluation agrees") {
  nlohmann::json bad = Manifest("deny_drift");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto d = DefaultBundle().Evaluate(bad);
        if (!d.ok() || d->denials.size() != 1) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

namespace {

PolicyBundle BundleOf(const std::string& name, const std::string& rego) {
  const std::string dir = TempDir(name);
  Write(dir + "/p.rego", rego);
  auto b = LoadPolicyBundle(dir);
  REQUIRE_MESSAGE(b.ok(), b.status().message());
  return *b;
}

}  // namespace

TEST_CASE("Bundle: wrong types everywhere are denials, evaluated strictly without an error") {
  auto input = ParseJson(
      R"({"spec": {"metrics": "high", "fairness": 1, "drift": [], "model": "m", "artifact": true,
          "documentation": 3, "dependencies": {"torch": 1}, "data_sources": 7}})",
      "wrong.json");
  REQUIRE(input.ok());
  PolicyDecision d = Decide(*input);  // strict builtin errors: the default
  CHECK_FALSE(d.allowed());
  std::set<std::string> rules;
  for (const auto& m : d.denials) rules.insert(m.rule);
  for (const char* rule : {"deny_manifest", "deny_metrics", "deny_accuracy", "deny_f1_score",
                           "deny_fairness", "deny_framework", "deny_artifact_format",
                           "deny_experiment", "deny_data_source", "deny_model_card"}) {
    CHECK_MESSAGE(rules.count(rule) == 1, rule);
  }
}

TEST_CASE("Bundle: a builtin error in a deny rule is an evaluation error, unless asked otherwise") {
  // time.format with a layout it cannot use: in OPA's default mode the deny
  // rule is undefined and the manifest passes.
  PolicyBundle b = BundleOf("strict", R"(package model.governance
import rego.v1
deny contains msg if {
  t := time.format([input.created, "UTC", input.layout])
  msg := sprintf("created %s", [t])
}
deny contains "no owner" if trim_space(input.owner) == ""
)");
  const nlohmann::json input = {{"created", "not a number"}, {"layout", 7}, {"owner", {1, 2}}};
  auto strict = b.Evaluate(input, EvaluateOptions{});
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.status().message().find("p.rego:4:") != std::string::npos);
  EvaluateOptions lax;
  lax.strict_builtin_errors = false;
  auto undefined = b.Evaluate(input, lax);
  REQUIRE(undefined.ok());
  CHECK(undefined->allowed());
}

TEST_CASE("Bundle: every evaluation has a budget of steps, time and memory") {
  PolicyBundle b = BundleOf("budget", R"(package model.governance
import rego.v1
deny contains "spin" if {
  input.spin
  some i in numbers.range(1, 100000)
  some j in numbers.range(1, 100000)
  i + j < 0
}
deny contains "grow" if {
  input.grow
  count([x | some x in numbers.range(1, 2000000000)]) > 0
}
deny contains "ok" if input.ok
)");
  EvaluateOptions opts;
  opts.budget.max_steps = 2'000'000;
  auto spun = b.Evaluate({{"spin", true}}, opts);
  CHECK(spun.status().message().find("rego_budget_error: evaluation exceeded 2000000 steps") !=
        std::string::npos);
  opts.budget.max_steps = uint64_t{1} << 60;
  opts.budget.max_wall_ms = 200;
  auto start = std::chrono::steady_clock::now();
  auto timed = b.Evaluate({{"spin", true}}, opts);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start).count();
  CHECK(timed.status().message().find("rego_budget_error: evaluation exceeded 200 ms") !=
        std::string::npos);
  CHECK(ms < 2000);
  // A builtin asked to build 2e9 values: refused as a budget error even
  // where builtin errors are not errors.
  EvaluateOptions lax;
  lax.strict_builtin_errors = false;
  auto grown = b.Evaluate({{"grow", true}}, lax);
  REQUIRE_FALSE(grown.ok());
  CHECK(grown.status().message().find("numbers.range: rego_budget_error") != std::string::npos);
  // A comprehension that grows the heap past the limit.
  PolicyBundle heap = BundleOf("heap", R"(package model.governance
import rego.v1
deny contains "big" if {
  xs := [sprintf("%d-%s", [i, input.pad]) | some i in numbers.range(1, 400000)]
  count(xs) > 0
}
)");
  EvaluateOptions small;
  small.budget.max_memory_bytes = 64 << 20;
  auto big = heap.Evaluate({{"pad", std::string(400, 'x')}}, small);
  INFO((big.ok() ? std::string("ok") : big.status().message()));
  CHECK(big.status().message().find("rego_budget_error: evaluation grew resident memory by more than 64 MiB") !=
        std::string::npos);
  // Strings: a width past a million is Go's %!(NOVERB), not a 100 GB
  // allocation, and no builtin builds a string past a quarter of the budget.
  PolicyBundle strings = BundleOf("strings", R"(package model.governance
import rego.v1
deny contains sprintf("%99999999999d", [1]) if input.wide
deny contains "many" if {
  input.many
  format := concat("", ["%999999d" | some _ in numbers.range(1, 40)])
  count(sprintf(format, [1 | some _ in numbers.range(1, 40)])) > 0
}
deny contains "replaced" if count(replace(input.s, "", input.t)) > 0
)");
  auto wide = strings.Evaluate({{"wide", true}}, small);
  REQUIRE(wide.ok());
  REQUIRE(wide->denials.size() == 1);
  CHECK(wide->denials[0].message == "%!(NOVERB)%!(EXTRA number=1)");  // as Go prints it
  auto many = strings.Evaluate({{"many", true}}, small);
  CHECK(many.status().message().find("sprintf: rego_budget_error: a string of more than 16777216 bytes") !=
        std::string::npos);
  auto replaced = strings.Evaluate(
      {{"s", std::string(5000, 'a')}, {"t", std::string(5000, 'b')}}, small);
  CHECK(replaced.status().message().find("replace: rego_budget_error: a string of more than 16777216 bytes") !=
        std::string::npos);
  auto fits = strings.Evaluate({{"s", "ab"}, {"t", "-"}}, small);
  REQUIRE(fits.ok());
  CHECK(fits->denials.size() == 1);
  // Within budget the same bundle decides as usual.
  auto fine = b.Evaluate({{"ok", true}}, EvaluateOptions{});
  REQUIRE(fine.ok());
  CHECK(fine->denials.size() == 1);
}

TEST_CASE("Bundle: print() output reaches the caller and the test report") {
  PolicyBundle b = BundleOf("print", R"(package model.governance
import rego.v1
deny contains "x" if {
  print("checking", input.name)
  false
}
test_prints if {
  print("inside the test")
  false
}
)");
  std::vector<std::string> lines;
  EvaluateOptions opts;
  opts.print = [&](const std::string& l) { lines.push_back(l); };
  REQUIRE(b.Evaluate({{"name", "fraud"}}, opts).ok());
  CHECK(lines == std::vector<std::string>{"checking fraud"});
  auto results = RunPolicyTests(b, "");
  REQUIRE(results.ok());
  REQUIRE(results->size() == 1);
  CHECK((*results)[0].output == "inside the test\n");
}

}  // namespace governance
