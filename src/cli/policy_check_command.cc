// mgov policy check | capabilities: compile Rego without evaluating it, as
// `opa check` does, and describe what the engine supports, as
// `opa capabilities` does, from the builtin registry itself so that the
// document stays true as builtins are added.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/policy_subcommands.h"
#include "core/file.h"
#include "governance/policy.h"
#include "policy/builtins.h"

namespace governance::cli {
namespace {

namespace fs = std::filesystem;

struct PolicyCheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  bool v0_compatible = false;
};

// Every .rego file named or under a named directory (hidden entries
// skipped), each directory's sorted.
StatusOr<std::vector<std::string>> RegoFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return NotFoundError(path + ": no such file or directory");
    if (!fs::is_directory(st)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) return ErrnoToStatus(ec.value(), "reading policy directory", path);
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return ErrnoToStatus(ec.value(), "reading policy directory", path);
      std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && name.size() > 5 && name.ends_with(".rego")) {
        found.push_back(it->path().generic_string());
      }
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// An error "<file>:<row>[:<col>]: <code>: <message>" taken apart for
// `--format json`, in the shape of `opa check --format json`.
nlohmann::json ErrorJson(const std::string& text, const std::vector<std::string>& files) {
  nlohmann::json e = {{"message", text}};
  for (const std::string& file : files) {
    if (text.compare(0, file.size() + 1, file + ":") != 0) continue;
    size_t pos = file.size() + 1;
    auto number = [&]() -> int {
      size_t end = pos;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      if (end == pos || end >= text.size() || text[end] != ':') return 0;
      int n = std::stoi(text.substr(pos, end - pos));
      pos = end + 1;
      return n;
    };
    nlohmann::json location = {{"file", file}};
    if (int row = number(); row > 0) {
      location["row"] = row;
      if (int col = number(); col > 0) location["col"] = col;
    }
    while (pos < text.size() && text[pos] == ' ') ++pos;
    size_t colon = text.find(": ", pos);
    std::string code = colon == std::string::npos ? "" : text.substr(pos, colon - pos);
    if (code.starts_with("rego_")) {
      e["code"] = code;
      e["message"] = text.substr(colon + 2);
    } else {
      e["message"] = text.substr(pos);
    }
    e["location"] = location;
    break;
  }
  return e;
}

StatusOr<Outcome> RunPolicyCheck(const PolicyCheckOptions& opts, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> files, RegoFiles(opts.paths));
  if (files.empty()) return InvalidArgumentError("no .rego files to check");
  std::vector<std::pair<std::string, std::string>> modules;
  for (const std::string& f : files) {
    // ReadFile refuses FIFOs and devices rather than waiting on them.
    GOV_ASSIGN_OR_RETURN(std::string source, ReadFile(f));
    modules.emplace_back(f, std::move(source));
  }
  BundleOptions bopts;
  bopts.v0_compatible = opts.v0_compatible;
  std::vector<Status> errors = CheckPolicyModules(modules, bopts);
  bool json = ctx.global.json || opts.format == "json";
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const Status& e : errors) arr.push_back(ErrorJson(e.message(), files));
    *ctx.out << nlohmann::json{{"errors", arr}}.dump(2) << "\n";
  } else {
    for (const Status& e : errors) *ctx.err << e.message() << "\n";
  }
  if (errors.empty()) return Outcome::kYes;
  return InvalidArgumentError(fmt::format("{} error{} in {} file{}", errors.size(),
                                          errors.size() == 1 ? "" : "s", files.size(),
                                          files.size() == 1 ? "" : "s"));
}

// OPA's infix operators, for the builtins the registry holds under their
// names.
const std::map<std::string_view, std::string_view>& Infixes() {
  static const std::map<std::string_view, std::string_view> infix = {
      {"equal", "=="}, {"neq", "!="}, {"lt", "<"},   {"lte", "<="}, {"gt", ">"},
      {"gte", ">="},   {"plus", "+"}, {"minus", "-"}, {"mul", "*"},  {"div", "/"},
      {"rem", "%"},    {"and", "&"},  {"or", "|"},    {"eq", "="},   {"assign", ":="}};
  return infix;
}

StatusOr<Outcome> RunPolicyCapabilities(Context& ctx) {
  nlohmann::json builtins = nlohmann::json::array();
  for (const rego::Builtin* b : rego::AllBuiltins()) {
    // The registry knows each builtin's arity, not its operand types, so
    // every operand is "any". internal.member_2/3 (`in`) are listed, as OPA
    // lists them.
    nlohmann::json decl = {{"type", "function"}};
    if (b->arity < 0) {
      decl["variadic"] = {{"type", "any"}};
    } else {
      nlohmann::json args = nlohmann::json::array();
      for (int i = 0; i < b->arity; ++i) args.push_back({{"type", "any"}});
      decl["args"] = args;
      decl["result"] = {{"type", "any"}};
    }
    nlohmann::json entry = {{"name", b->name}, {"decl", decl}};
    auto infix = Infixes().find(b->name);
    if (infix != Infixes().end()) entry["infix"] = infix->second;
    builtins.push_back(std::move(entry));
  }
  nlohmann::json caps = {{"builtins", builtins},
                         {"future_keywords", {"contains", "every", "if", "in"}},
                         {"wasm_abi_versions", nlohmann::json::array()},
                         {"features", {"rego_v1"}}};
  *ctx.out << caps.dump(2) << "\n";
  return Outcome::kYes;
}

}  // namespace

void AddPolicyCheckCommands(CLI::App& policy, Context& ctx) {
  auto check_opts = std::make_shared<PolicyCheckOptions>();
  CLI::App* check = policy.add_subcommand(
      "check", "Parse and compile Rego files without evaluating them, like `opa check` "
               "(exit 0 all compile, 2 errors, each as file:line:col)");
  check->add_option("paths", check_opts->paths, "Rego files or directories")->required();
  check->add_option("--format,-f", check_opts->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  check->add_flag("--v0-compatible", check_opts->v0_compatible,
                  "Parse modules with Rego v0 syntax unless they import rego.v1");
  check->callback(
      [check_opts, &ctx]() { ctx.Finish("policy check", RunPolicyCheck(*check_opts, ctx)); });

  CLI::App* caps = policy.add_subcommand(
      "capabilities",
      "Print the engine's builtins, keywords and features as JSON, like `opa capabilities`");
  caps->callback([&ctx]() { ctx.Finish("policy capabilities", RunPolicyCapabilities(ctx)); });
}

}  // namespace governance::cli
