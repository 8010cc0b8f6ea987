// `mgov policy eval` as conftest runs `conftest test`: many inputs (files,
// directories, stdin), --data documents, namespaces, and conftest's report
// shapes. The single-manifest mgov decision stays in policy_command.cc.
#ifndef GOVERNANCE_SRC_CLI_POLICY_CONFTEST_H_
#define GOVERNANCE_SRC_CLI_POLICY_CONFTEST_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "governance/policy.h"

namespace governance::cli {

struct ConftestEvalOptions {
  std::vector<std::string> policy_dirs;
  std::vector<std::string> inputs;  // files, directories, "-" for stdin
  std::vector<std::string> data;    // files or directories of JSON/YAML
  std::vector<std::string> namespaces;  // empty: "main"
  bool all_namespaces = false;
  bool combine = false;
  bool fail_on_warn = false;
  std::string output = "stdout";
  bool v0_compatible = false;
  bool strict = false;
  PolicyBudget budget;
};

// One message of a deny/violation/warn rule, or an exception that applied.
struct CheckMessage {
  std::string rule;  // "deny_run_as_root"; for exceptions the rule excepted
  std::string msg;
  nlohmann::json metadata = nlohmann::json::object();  // the object's other keys
};

// One document (or the combined documents) against one namespace: conftest's
// CheckResult.
struct CheckResult {
  std::string filename;  // "-" for stdin
  std::string ns;
  int line = 0;  // where the document starts, when the file holds several; 0: unknown
  size_t successes = 0;
  std::vector<std::string> passed_rules;  // rules that produced nothing
  std::vector<CheckMessage> failures;
  std::vector<CheckMessage> warnings;
  std::vector<CheckMessage> exceptions;
};

// The report formats: stdout (conftest's default), table, json, tap, junit,
// github, sarif.
const std::vector<std::string>& ConftestOutputs();
void PrintCheckResults(const std::vector<CheckResult>& results, const std::string& output,
                       int exit_code, std::ostream& out);

// The policy: every .rego file under each of `policy_dirs` (a directory or a
// file; hidden entries skipped) with the bundle's own data.json / data.yaml
// placed as LoadPolicyBundle places them, and the `data_paths` documents
// (--data): a file's document at data's root, a directory's files at their
// folder below it, as `opa eval --data DIR` places them.
StatusOr<PolicyBundle> LoadPolicyWithData(const std::vector<std::string>& policy_dirs,
                                          const std::vector<std::string>& data_paths,
                                          const BundleOptions& options);

StatusOr<Outcome> RunConftestEval(const ConftestEvalOptions& opts, Context& ctx);

}  // namespace governance::cli

#endif  // GOVERNANCE_SRC_CLI_POLICY_CONFTEST_H_
