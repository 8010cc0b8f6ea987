// Policy as code: load a Rego policy bundle, evaluate a model manifest against
// it, and run the bundle's own tests. The Rego engine is mgov's own (no OPA
// binary), compiled once per bundle into a prepared form.
//
//   governance::StatusOr<governance::PolicyBundle> bundle =
//       governance::LoadPolicyBundle("policies/", {});
//   if (!bundle.ok()) { std::cerr << bundle.status() << "\n"; return 2; }
//   governance::StatusOr<governance::PolicyDecision> decision =
//       bundle->Evaluate(manifest_json);
//   if (!decision.ok()) return 2;                 // evaluation error
//   for (const auto& d : decision->denials) std::cout << d.message << "\n";
//   return decision->allowed() ? 0 : 1;
//
// Conventions (conftest's): in the evaluated package, rules named `deny`,
// `violation`, `deny_<name>` or `violation_<name>` deny; `warn` and
// `warn_<name>` warn. Each yields a set of strings, or of objects whose `msg`
// is the message. Undefined rules contribute nothing.
//
// Exceptions (waivers), two sources, both reported in exceptions_applied:
//  * Rego: a rule `exception` in the package yielding names, e.g.
//    `exception contains "accuracy" if {...}`, waives `deny_accuracy` (and
//    `violation_accuracy`); the name "deny_accuracy" is accepted as well.
//  * The manifest: metadata.annotations
//      policy.mgov.dev/exception           rule name(s), comma-separated
//      policy.mgov.dev/exception-reason    why (required)
//      policy.mgov.dev/exception-approver  who granted it (required)
//      policy.mgov.dev/exception-expires   RFC 3339 expiry (required)
//    It waives the named rules only while `now` is before the expiry. An
//    expired or incomplete annotation waives nothing and adds a warning that
//    says why. Waiving is done here in C++ around the Rego decision so every
//    bundle gets the same, audited behaviour.
//  Exceptions never waive `deny`/`violation` rules without a suffix.
//
// Thread-safety: a PolicyBundle is immutable after loading; Evaluate, Query
// and RunPolicyTests may be called concurrently from many threads. Copies
// share the compiled form.
#ifndef GOVERNANCE_POLICY_H_
#define GOVERNANCE_POLICY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance {

// What one policy evaluation may spend. Exceeding any limit is an
// evaluation error ("rego_budget_error") whatever strict_builtin_errors
// says, so an approval is refused: a policy that cannot be evaluated never
// reads as a policy that allowed.
struct PolicyBudget {
  // Expressions evaluated (each solution of each expression counts). The
  // default bundle takes about a thousand.
  uint64_t max_steps = 100'000'000;
  // Wall time from the start of the evaluation.
  int64_t max_wall_ms = 10'000;
  // Growth of the process's resident memory while evaluating, sampled every
  // 16,384 steps and after builtins built 64 MiB of values (so it is
  // approximate, and process-wide when several evaluations run at once); a
  // builtin may also not build one collection of more than a quarter of
  // this in values.
  size_t max_memory_bytes = size_t{1} << 30;
};

struct BundleOptions {
  // Parse modules in Rego v0 syntax (`deny[msg] { ... }`, `default allow = false`).
  // A module that imports rego.v1 is always v1. Default: false (Rego v1).
  bool v0_compatible = false;
  // A failing builtin is an evaluation error instead of making its
  // expression undefined (OPA's strict-builtin-errors). Default: false.
  bool strict_builtin_errors = false;
  // conftest's parse_config_file and parse_combined_config_files read the
  // files a policy names on the evaluating host. Only conftest-compatible
  // commands (`mgov policy eval` of several inputs, `mgov policy test`) set
  // this; anywhere else, approvals and deployment gates included, a call is
  // an evaluation error whatever strict_builtin_errors says, so that a
  // decision never depends on the host's files. Default: false.
  bool read_host_files = false;
};

// One message from a deny/violation/warn rule.
struct PolicyMessage {
  std::string rule;     // "deny_accuracy", "warn", ...
  std::string message;  // the string, or the object's "msg"
  // The rule's raw value when it was an object (else null).
  nlohmann::json details;
};

// An exception that waived at least one rule for this decision.
struct AppliedException {
  std::string rule;      // the deny rule waived: "deny_accuracy"
  std::string source;    // "manifest" (annotations) or "policy" (an exception rule)
  std::string reason;    // empty for policy exceptions
  std::string approver;  // must be among the approval's verified signers
  std::string expires;   // RFC 3339, as written in the manifest; empty for policy
  std::vector<std::string> waived_messages;
};

struct PolicyDecision {
  std::string policy_namespace;  // "model.governance"
  std::vector<PolicyMessage> denials;    // after exceptions
  std::vector<PolicyMessage> warnings;
  std::vector<PolicyMessage> waived;     // denials an exception removed
  std::vector<AppliedException> exceptions_applied;
  std::string bundle_digest;  // "sha256:<hex>", see PolicyBundle::digest()
  std::string input_digest;   // "sha256:<hex>" of CanonicalJson(input)

  bool allowed() const { return denials.empty(); }
  // Machine-readable form (stable keys: allowed, namespace, denials, warnings,
  // waived, exceptions_applied, bundle_digest, input_digest).
  nlohmann::json ToJson() const;
};

struct EvaluateOptions {
  // The package evaluated, dotted. Default: "model.governance".
  std::string policy_namespace = "model.governance";
  // The time exception expiry is judged against and time.now_ns returns,
  // seconds since the epoch, so that an evaluation can be repeated exactly.
  // 0 (default): the wall clock.
  int64_t now_unix_seconds = 0;
  // A failing builtin is an evaluation error instead of leaving its
  // expression undefined. Default true: a deny rule whose builtin failed
  // must not vanish and let the model through. `mgov policy eval` turns it
  // off unless --strict, as `opa eval` does. The bundle's own
  // strict_builtin_errors forces it on.
  bool strict_builtin_errors = true;
  PolicyBudget budget;
  // Receives print() output; unset discards it.
  std::function<void(const std::string&)> print;
};

// A query row: each named variable of the query and its value (sets become
// arrays in Rego order).
using QueryBindings = std::map<std::string, nlohmann::json>;

struct QueryOptions {
  // The input document; null: no input (refs to input are undefined).
  const nlohmann::json* input = nullptr;
  // Alternatively the input as Rego term text, e.g. `{"a": {1, 2}}` (a set
  // JSON cannot express). Used when non-empty.
  std::string input_term;
  // As in BundleOptions; overrides the bundle's setting for this query.
  bool strict_builtin_errors = false;
  // time.now_ns for the query; 0: the wall clock.
  int64_t now_ns = 0;
  PolicyBudget budget;
  // Receives print() output; unset discards it.
  std::function<void(const std::string&)> print;
};

struct PolicyTestResult {
  std::string file;     // module the test is defined in
  std::string package;  // "model.governance"
  std::string name;     // "test_accuracy_below_threshold"
  bool passed = false;
  std::string error;    // evaluation error, empty when none
  std::string output;   // what print() wrote, one line each
  int64_t duration_ns = 0;
};

class PolicyBundle {
 public:
  // The bundle digest: "sha256:" + lowercase hex SHA-256 over every bundle
  // file (*.rego, data.json, data.yaml, data.yml; hidden entries skipped),
  // sorted by relative path ('/'-separated, bytewise), each contributing
  //   <path> NUL <decimal byte length of content> NUL <content>
  // so that renaming, moving or editing any file changes it.
  const std::string& digest() const;
  // The directory it was loaded from ("" for in-memory bundles).
  const std::string& directory() const;
  // Relative paths of the files digested, sorted.
  const std::vector<std::string>& files() const;
  // Every file of a bundle loaded by LoadPolicyBundle, as JSON
  // ({"files": [{"path", "content" (base64)}], "v0_compatible"}): the form the
  // governance store keeps a required bundle in.
  std::string Serialize() const;
  // The base documents (data.json, data.yaml) as policy reads them under
  // `data`: the thresholds a decision was made with.
  nlohmann::json BaseData() const;

  // Evaluates `input` (the manifest) against the package `policy_namespace`.
  // InvalidArgument on an evaluation error (e.g. a conflict), naming the file
  // and line; NotFound when the bundle has no such package.
  StatusOr<PolicyDecision> Evaluate(const nlohmann::json& input,
                                    std::string_view policy_namespace = "model.governance") const;
  StatusOr<PolicyDecision> Evaluate(const nlohmann::json& input,
                                    const EvaluateOptions& options) const;

  // Runs a Rego query (e.g. `data.test.p = x`) against the bundle: one row
  // per solution, empty when undefined. InvalidArgument with
  // "<origin>:<line>: <rego error code>: <message>" on compile or evaluation
  // errors.
  StatusOr<std::vector<QueryBindings>> Query(std::string_view query,
                                             const QueryOptions& options) const;

  // Every package of the bundle (dotted, without "data."), in the order of
  // its files, each with its rules (the names directly in the package, sorted)
  // and how many definitions each rule has, default included. conftest's
  // check reads deny/violation/warn rules by name and counts definitions.
  struct PackageRules {
    std::string package;
    std::vector<std::pair<std::string, size_t>> rules;
  };
  std::vector<PackageRules> Packages() const;

  struct Impl;

 private:
  friend StatusOr<PolicyBundle> LoadPolicyBundle(const std::string&, const BundleOptions&);
  friend StatusOr<PolicyBundle> CompileBundleFiles(std::vector<std::pair<std::string, std::string>>,
                                                   const std::string&, const std::string&,
                                                   const BundleOptions&);
  friend StatusOr<PolicyBundle> CompilePolicyModules(
      const std::vector<std::pair<std::string, std::string>>&, const nlohmann::json&,
      const BundleOptions&);
  friend StatusOr<std::vector<PolicyTestResult>> RunPolicyTests(const PolicyBundle&,
                                                                std::string_view);
  std::shared_ptr<const Impl> impl_;
};

// Loads every .rego file under `dir` (recursively) and data.json/data.yaml
// files (a file in a/b/ is placed at data.a.b), then compiles them.
// NotFound when `dir` is missing; InvalidArgument naming file:line:col on a
// parse error and file:line on a compile error.
StatusOr<PolicyBundle> LoadPolicyBundle(const std::string& dir, const BundleOptions& options = {});

// Rebuilds a bundle from Serialize's output; DataLoss when it is malformed or
// its files do not hash to `expected_digest`. `origin` names it in errors.
StatusOr<PolicyBundle> LoadSerializedPolicyBundle(std::string_view serialized,
                                                  std::string_view expected_digest,
                                                  std::string_view origin);

// Compiles in-memory modules ({file name, source}) with base documents
// `data` (an object, or null for none).
StatusOr<PolicyBundle> CompilePolicyModules(
    const std::vector<std::pair<std::string, std::string>>& modules, const nlohmann::json& data,
    const BundleOptions& options = {});

// The default governance bundle, policies/ of the mgov source it was built
// from: {path relative to the bundle, content} of every file, sorted by
// path. `mgov init` installs these files; DefaultPolicyBundle() compiles
// them, with the same digest as LoadPolicyBundle of the installed directory.
const std::vector<std::pair<std::string, std::string>>& DefaultPolicyBundleFiles();
StatusOr<PolicyBundle> DefaultPolicyBundle();

// Parses every module and compiles them together without evaluating, as
// `opa check` does: one error per module that does not parse (each
// "<file>:<line>:<col>: rego_parse_error: ..."), and, when all parse, the
// compiler's errors: after an error the module it names is set aside and the
// rest compiled again, so each file reports its first compile error. Errors
// that only follow from a module set aside (an undefined function) are not
// reported. Empty when everything compiles.
std::vector<Status> CheckPolicyModules(
    const std::vector<std::pair<std::string, std::string>>& modules,
    const BundleOptions& options = {});

// Runs every rule named test_* in the bundle, like `opa test`: a test passes
// when its value is defined and not false. Results are sorted by package and
// name. `filter`, when non-empty, keeps tests whose full name contains it.
StatusOr<std::vector<PolicyTestResult>> RunPolicyTests(const PolicyBundle& bundle,
                                                       std::string_view filter = "");

}  // namespace governance

#endif  // GOVERNANCE_POLICY_H_
