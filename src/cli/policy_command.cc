// mgov policy eval | test: evaluate a manifest against a Rego bundle, or run
// the bundle's own test_* rules like `opa test`. `policy eval` with several
// inputs, a directory, stdin or a conftest option checks them as `conftest
// test` does (policy_conftest_eval.cc); one manifest alone keeps mgov's
// decision report.
#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/policy_conftest.h"
#include "cli/policy_subcommands.h"
#include "core/document.h"
#include "core/time.h"
#include "governance/artifact_inspection.h"
#include "governance/policy.h"
#include "governance/policy_validator.h"

namespace governance::cli {
namespace {

struct PolicyEvalOptions {
  std::string policy_dir;
  std::string input_path;
  // What the command line gave, before the choice between mgov's decision
  // report and conftest's check.
  std::vector<std::string> policy_dirs;
  std::vector<std::string> inputs;
  std::vector<std::string> files;  // positional inputs, after --input's
  std::vector<std::string> data;
  std::vector<std::string> namespaces;
  bool all_namespaces = false;
  bool combine = false;
  bool fail_on_warn = false;
  std::string output;
  std::string artifact_path;  // judged as approvals judge it: input.mgov.artifact
  std::string release_notes;  // input.mgov.release_notes, with --artifact
  std::vector<std::string> environments;  // input.mgov.environments, with --artifact
  std::string policy_namespace = "model.governance";
  std::string format = "table";
  bool v0_compatible = false;
  bool strict = false;
  std::string timeout = "10s";
  uint64_t max_steps = PolicyBudget{}.max_steps;
  size_t max_memory_mib = PolicyBudget{}.max_memory_bytes >> 20;
};

struct PolicyTestOptions {
  std::string policy_dir;
  std::vector<std::string> more_dirs;  // further policy folders, tested together
  std::vector<std::string> data;  // --data, as `conftest verify -d`
  bool verbose = false;
  bool v0_compatible = false;
  std::string run;
};

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// GitHub workflow commands need %, CR and LF escaped.
std::string GithubEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void PrintTable(const PolicyDecision& d, std::ostream& out) {
  size_t width = 4;
  for (const auto* list : {&d.denials, &d.warnings, &d.waived}) {
    for (const PolicyMessage& m : *list) width = std::max(width, m.rule.size());
  }
  for (const PolicyMessage& m : d.denials) {
    out << fmt::format("DENY    {:<{}}  {}\n", m.rule, width, m.message);
  }
  for (const PolicyMessage& m : d.warnings) {
    out << fmt::format("WARN    {:<{}}  {}\n", m.rule, width, m.message);
  }
  for (const PolicyMessage& m : d.waived) {
    out << fmt::format("WAIVED  {:<{}}  {}\n", m.rule, width, m.message);
  }
  for (const AppliedException& e : d.exceptions_applied) {
    if (e.source == "manifest") {
      out << fmt::format("EXCEPT  {:<{}}  approved by {} until {}: {}\n", e.rule, width, e.approver,
                         e.expires, e.reason);
    } else {
      out << fmt::format("EXCEPT  {:<{}}  waived by a policy exception rule\n", e.rule, width);
    }
  }
  out << fmt::format("{}: {} denied, {} warned, {} waived\n", d.allowed() ? "PASS" : "FAIL",
                     d.denials.size(), d.warnings.size(), d.waived.size());
  out << fmt::format("bundle {}  input {}\n", d.bundle_digest, d.input_digest);
}

void PrintJunit(const PolicyDecision& d, const std::string& input, std::ostream& out) {
  size_t tests = std::max<size_t>(1, d.denials.size() + d.warnings.size() + d.waived.size());
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites>\n  <testsuite name=\"mgov policy {}\" tests=\"{}\" failures=\"{}\">\n",
                     XmlEscape(d.policy_namespace), tests, d.denials.size());
  for (const PolicyMessage& m : d.denials) {
    out << fmt::format(
        "    <testcase classname=\"{}\" name=\"{}: {}\">\n      <failure message=\"{}\"/>\n"
        "    </testcase>\n",
        XmlEscape(input), XmlEscape(m.rule), XmlEscape(m.message), XmlEscape(m.message));
  }
  for (const PolicyMessage& m : d.warnings) {
    out << fmt::format("    <testcase classname=\"{}\" name=\"{}: {}\">\n      <system-out>WARN {}</system-out>\n"
                       "    </testcase>\n",
                       XmlEscape(input), XmlEscape(m.rule), XmlEscape(m.message), XmlEscape(m.message));
  }
  for (const PolicyMessage& m : d.waived) {
    out << fmt::format("    <testcase classname=\"{}\" name=\"{}: {}\">\n      <skipped message=\"waived by exception\"/>\n"
                       "    </testcase>\n",
                       XmlEscape(input), XmlEscape(m.rule), XmlEscape(m.message));
  }
  if (d.denials.empty() && d.warnings.empty() && d.waived.empty()) {
    out << fmt::format("    <testcase classname=\"{}\" name=\"policy\"/>\n", XmlEscape(input));
  }
  out << "  </testsuite>\n</testsuites>\n";
}

void PrintGithub(const PolicyDecision& d, const std::string& input, std::ostream& out) {
  for (const PolicyMessage& m : d.denials) {
    out << fmt::format("::error file={},title={}::{}\n", input, m.rule, GithubEscape(m.message));
  }
  for (const PolicyMessage& m : d.warnings) {
    out << fmt::format("::warning file={},title={}::{}\n", input, m.rule, GithubEscape(m.message));
  }
  for (const PolicyMessage& m : d.waived) {
    out << fmt::format("::notice file={},title={} (waived)::{}\n", input, m.rule,
                       GithubEscape(m.message));
  }
  out << fmt::format("{}: {} denied, {} warned, {} waived\n", d.allowed() ? "PASS" : "FAIL",
                     d.denials.size(), d.warnings.size(), d.waived.size());
}

// --timeout, --max-steps and --max-memory as a budget.
StatusOr<PolicyBudget> EvalBudget(const PolicyEvalOptions& opts) {
  StatusOr<int64_t> timeout_s = ParseDurationSeconds(opts.timeout);
  if (!timeout_s.ok()) return timeout_s.status().WithContext("--timeout");
  if (*timeout_s <= 0) return InvalidArgumentError("--timeout must be at least 1s");
  if (opts.max_steps == 0) return InvalidArgumentError("--max-steps must be at least 1");
  if (opts.max_memory_mib == 0 || opts.max_memory_mib > (size_t{1} << 20)) {
    return InvalidArgumentError("--max-memory must be 1 to 1048576 MiB");
  }
  PolicyBudget budget;
  budget.max_wall_ms = *timeout_s * 1000;
  budget.max_steps = opts.max_steps;
  budget.max_memory_bytes = opts.max_memory_mib << 20;
  return budget;
}

StatusOr<Outcome> RunPolicyEval(const PolicyEvalOptions& opts, Context& ctx) {
  BundleOptions bopts;
  bopts.v0_compatible = opts.v0_compatible;
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle, LoadPolicyBundle(opts.policy_dir, bopts));
  GOV_ASSIGN_OR_RETURN(nlohmann::json input, LoadDocument(opts.input_path));
  ArtifactFacts facts;
  if (!opts.artifact_path.empty()) {
    GOV_ASSIGN_OR_RETURN(InspectedArtifact a,
                         InspectArtifact(opts.artifact_path, {}, VerifyingHashOptions()));
    facts = std::move(a.facts);
  } else {
    *ctx.err << "note: no --artifact, so rules on the artifact's bytes (input.mgov) judged nothing\n";
  }
  std::optional<ReleaseNotes> notes;
  if (!opts.release_notes.empty()) {
    GOV_ASSIGN_OR_RETURN(notes, LoadReleaseNotes(opts.release_notes));
  }
  GOV_ASSIGN_OR_RETURN(input, PolicyInput(input, opts.artifact_path.empty() ? nullptr : &facts,
                                          notes ? &*notes : nullptr, opts.environments));
  EvaluateOptions eopts;
  eopts.policy_namespace = opts.policy_namespace;
  eopts.strict_builtin_errors = opts.strict;
  GOV_ASSIGN_OR_RETURN(eopts.budget, EvalBudget(opts));
  // As `opa eval`: print() goes to stderr, the decision to stdout.
  eopts.print = [&ctx](const std::string& line) { *ctx.err << line << "\n"; };
  GOV_ASSIGN_OR_RETURN(PolicyDecision decision, bundle.Evaluate(input, eopts));
  std::string format = ctx.global.json ? "json" : opts.format;
  if (format == "json") {
    *ctx.out << decision.ToJson().dump(2) << "\n";
  } else if (format == "junit") {
    PrintJunit(decision, opts.input_path, *ctx.out);
  } else if (format == "github") {
    PrintGithub(decision, opts.input_path, *ctx.out);
  } else {
    PrintTable(decision, *ctx.out);
  }
  return decision.allowed() ? Outcome::kYes : Outcome::kNo;
}

std::string FormatDuration(int64_t ns) {
  if (ns < 1'000) return fmt::format("{}ns", ns);
  if (ns < 1'000'000) return fmt::format("{:.1f}µs", static_cast<double>(ns) / 1e3);
  return fmt::format("{:.1f}ms", static_cast<double>(ns) / 1e6);
}

std::vector<std::string> AllDirs(const PolicyTestOptions& opts) {
  std::vector<std::string> dirs = {opts.policy_dir};
  dirs.insert(dirs.end(), opts.more_dirs.begin(), opts.more_dirs.end());
  return dirs;
}

StatusOr<Outcome> RunPolicyTest(const PolicyTestOptions& opts, Context& ctx) {
  BundleOptions bopts;
  bopts.v0_compatible = opts.v0_compatible;
  bopts.read_host_files = true;  // conftest's parse_config_file, as `conftest verify`
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle,
                       opts.data.empty() && opts.more_dirs.empty()
                           ? LoadPolicyBundle(opts.policy_dir, bopts)
                           : LoadPolicyWithData(AllDirs(opts), opts.data, bopts));
  GOV_ASSIGN_OR_RETURN(std::vector<PolicyTestResult> results, RunPolicyTests(bundle, opts.run));
  size_t passed = 0, failed = 0, errors = 0;
  std::string file;
  nlohmann::json json_results = nlohmann::json::array();
  for (const PolicyTestResult& r : results) {
    std::string verdict = r.passed ? "PASS" : (r.error.empty() ? "FAIL" : "ERROR");
    if (r.passed) {
      ++passed;
    } else if (r.error.empty()) {
      ++failed;
    } else {
      ++errors;
    }
    json_results.push_back({{"file", r.file},
                            {"package", r.package},
                            {"name", r.name},
                            {"result", verdict},
                            {"error", r.error},
                            {"output", r.output},
                            {"duration_ns", r.duration_ns}});
    if (ctx.global.json || (!opts.verbose && r.passed)) continue;
    if (r.file != file) {
      file = r.file;
      *ctx.out << file << ":\n";
    }
    *ctx.out << fmt::format("data.{}.{}: {} ({})\n", r.package, r.name, verdict,
                            FormatDuration(r.duration_ns));
    if (!r.error.empty()) *ctx.out << "  " << r.error << "\n";
    if (!r.output.empty()) {
      // As `opa test`: what the test printed, indented under it.
      *ctx.out << "\n";
      for (size_t b = 0, e; b < r.output.size(); b = e + 1) {
        e = r.output.find('\n', b);
        *ctx.out << "  " << r.output.substr(b, e - b) << "\n";
      }
      *ctx.out << "\n";
    }
  }
  size_t total = results.size();
  if (ctx.global.json) {
    *ctx.out << nlohmann::json{{"passed", passed}, {"failed", failed}, {"errors", errors},
                               {"tests", json_results}}
                    .dump(2)
             << "\n";
  } else {
    if (opts.verbose || failed + errors > 0) *ctx.out << std::string(80, '-') << "\n";
    if (passed > 0 || total == 0) *ctx.out << fmt::format("PASS: {}/{}\n", passed, total);
    if (failed > 0) *ctx.out << fmt::format("FAIL: {}/{}\n", failed, total);
    if (errors > 0) *ctx.out << fmt::format("ERROR: {}/{}\n", errors, total);
  }
  if (total == 0) return InvalidArgumentError(opts.policy_dir + ": no test_* rules found");
  if (errors > 0) {
    return InvalidArgumentError(fmt::format("{} of {} tests could not be evaluated", errors, total));
  }
  return failed == 0 ? Outcome::kYes : Outcome::kNo;
}

}  // namespace

void AddPolicyCommand(CLI::App& app, Context& ctx) {
  CLI::App* policy = app.add_subcommand("policy", "Evaluate and test Rego policy bundles");
  policy->require_subcommand(1);

  auto eval_opts = std::make_shared<PolicyEvalOptions>();
  CLI::App* eval = policy->add_subcommand(
      "eval",
      "Evaluate manifests against a policy bundle (exit 0 pass, 1 denied, 2 error). One "
      "manifest: mgov's decision report. Several inputs, a directory, - (stdin), --data, "
      "--output, --all-namespaces, --combine or --fail-on-warn: checked as `conftest test` does");
  eval->add_option("--policy,-p", eval_opts->policy_dirs,
                   "Policy bundle directory (repeatable; default ./policy as conftest)")
      ->allow_extra_args(false);
  eval->add_option("--input,-i", eval_opts->inputs,
                   "Manifest, directory of JSON/YAML files, or - for stdin (repeatable)")
      ->allow_extra_args(false);
  eval->add_option("files", eval_opts->files, "More inputs, as `conftest test FILE...`");
  eval->add_option("--data,-d", eval_opts->data,
                   "JSON/YAML data documents (file or directory, repeatable) for data.*")
      ->allow_extra_args(false);
  eval->add_option("--artifact,-a", eval_opts->artifact_path,
                   "Model file or directory whose bytes policy judges too (input.mgov.artifact), "
                   "as approvals do");
  eval->add_option("--release-notes", eval_opts->release_notes,
                   "Release record (YAML/JSON) judged as input.mgov.release_notes; with --artifact");
  eval->add_option("--environment,-e", eval_opts->environments,
                   "Environment the decision is for, as an approval names it "
                   "(input.mgov.environments; repeatable; with --artifact)")
      ->allow_extra_args(false);
  CLI::Option* ns_opt = eval->add_option(
      "--namespace,-n", eval_opts->namespaces,
      "Rego package to evaluate (repeatable; default model.governance for one manifest, main "
      "as conftest otherwise)")
      ->allow_extra_args(false);
  eval->add_flag("--all-namespaces", eval_opts->all_namespaces,
                 "Check every package of the policy (conftest)");
  eval->add_flag("--combine", eval_opts->combine,
                 "Give the policy all inputs at once as [{path, contents}] (conftest)");
  eval->add_flag("--fail-on-warn", eval_opts->fail_on_warn,
                 "Exit 1 on warnings too (conftest; mgov exits 1 for failures as well)");
  CLI::Option* format_opt =
      eval->add_option("--format,-o", eval_opts->format, "Output: table, json, junit or github")
          ->check(CLI::IsMember({"table", "json", "junit", "github"}));
  eval->add_option("--output", eval_opts->output,
                   "conftest's report: stdout, table, json, tap, junit, github or sarif")
      ->check(CLI::IsMember(ConftestOutputs()));
  eval->add_flag("--v0-compatible", eval_opts->v0_compatible,
                 "Parse modules with Rego v0 syntax unless they import rego.v1");
  eval->add_flag("--strict,--strict-builtin-errors", eval_opts->strict,
                 "A failing builtin is an error (exit 2), as approvals always treat it; by "
                 "default it leaves its expression undefined, as in opa eval");
  eval->add_option("--timeout", eval_opts->timeout,
                   "Longest the evaluation may run, in whole seconds: 2s, 1m (default 10s)");
  eval->add_option("--max-steps", eval_opts->max_steps,
                   "Most expressions the evaluation may evaluate (default 100000000)");
  eval->add_option("--max-memory", eval_opts->max_memory_mib,
                   "Most MiB the evaluation may grow resident memory by (default 1024)");
  eval->callback([eval_opts, ns_opt, format_opt, &ctx]() {
    PolicyEvalOptions& o = *eval_opts;
    // Files given as arguments are conftest's command line, `--input FILE`
    // alone is mgov's.
    bool positional = !o.files.empty();
    o.inputs.insert(o.inputs.end(), o.files.begin(), o.files.end());
    std::error_code ec;
    bool single_file = o.inputs.size() == 1 && o.inputs[0] != "-" &&
                       !std::filesystem::is_directory(o.inputs[0], ec);
    bool conftest = !single_file || positional || !o.output.empty() || !o.data.empty() || o.all_namespaces ||
                    o.combine || o.fail_on_warn || o.namespaces.size() > 1 ||
                    o.policy_dirs.size() > 1;
    if (o.policy_dirs.empty()) o.policy_dirs = {"policy"};
    if (!conftest) {
      o.policy_dir = o.policy_dirs[0];
      o.input_path = o.inputs[0];
      if (!o.namespaces.empty()) o.policy_namespace = o.namespaces[0];
      ctx.Finish("policy eval", RunPolicyEval(o, ctx));
      return;
    }
    ctx.Finish("policy eval", [&]() -> StatusOr<Outcome> {
      if (!o.artifact_path.empty() || !o.release_notes.empty() || !o.environments.empty()) {
        return InvalidArgumentError(
            "--artifact, --release-notes and --environment judge one manifest; give a single "
            "--input");
      }
      ConftestEvalOptions c;
      c.policy_dirs = o.policy_dirs;
      c.inputs = o.inputs;
      c.data = o.data;
      c.namespaces = ns_opt->count() > 0 ? o.namespaces : std::vector<std::string>{"main"};
      c.all_namespaces = o.all_namespaces;
      c.combine = o.combine;
      c.fail_on_warn = o.fail_on_warn;
      c.output = !o.output.empty()          ? o.output
                 : ctx.global.json          ? "json"
                 : format_opt->count() > 0  ? o.format
                                            : "stdout";
      c.v0_compatible = o.v0_compatible;
      c.strict = o.strict;
      GOV_ASSIGN_OR_RETURN(c.budget, EvalBudget(o));
      return RunConftestEval(c, ctx);
    }());
  });

  auto test_opts = std::make_shared<PolicyTestOptions>();
  CLI::App* test = policy->add_subcommand(
      "test", "Run the bundle's test_* rules (exit 0 all pass, 1 a test failed, 2 error)");
  test->add_option("dir", test_opts->policy_dir, "Policy bundle directory")->required();
  test->add_option("more", test_opts->more_dirs,
                   "More policy folders tested with it, as `conftest verify -p A -p B`");
  test->add_flag("--verbose,-v", test_opts->verbose, "Print every test, not only failures");
  test->add_option("--run,-r", test_opts->run, "Only tests whose full name contains this text");
  test->add_option("--data,-d", test_opts->data,
                   "JSON/YAML data documents (file or directory, repeatable) for data.*, as "
                   "`conftest verify --data`")
      ->allow_extra_args(false);
  test->add_flag("--v0-compatible", test_opts->v0_compatible,
                 "Parse modules with Rego v0 syntax unless they import rego.v1");
  test->callback([test_opts, &ctx]() { ctx.Finish("policy test", RunPolicyTest(*test_opts, ctx)); });

  AddPolicyReevaluateCommand(*policy, ctx);
  AddPolicyCheckCommands(*policy, ctx);
}

}  // namespace governance::cli
