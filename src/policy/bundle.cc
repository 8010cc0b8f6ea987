// Loading and compiling policy bundles, the bundle digest, and queries.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/document.h"
#include "core/encoding.h"
#include "core/file.h"
#include "governance/policy.h"
#include "policy/bundle_impl.h"
#include "policy/evaluator.h"
#include "policy/input.h"
#include "policy/parser.h"

namespace governance {

namespace fs = std::filesystem;

const std::string& PolicyBundle::digest() const { return impl_->digest; }
const std::string& PolicyBundle::directory() const { return impl_->directory; }
const std::vector<std::string>& PolicyBundle::files() const { return impl_->files; }

namespace {

bool IsDataFile(const std::string& name) {
  return name == "data.json" || name == "data.yaml" || name == "data.yml";
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Places `doc` at `path` inside `root` (merging objects).
Status MergeData(nlohmann::json* root, const std::vector<std::string>& path,
                 const nlohmann::json& doc, const std::string& origin) {
  if (!doc.is_object()) {
    return InvalidArgumentError(origin + ": data file must hold an object at its top level");
  }
  nlohmann::json* node = root;
  for (const std::string& p : path) {
    nlohmann::json& child = (*node)[p];
    if (child.is_null()) child = nlohmann::json::object();
    if (!child.is_object()) {
      return InvalidArgumentError(origin + ": conflicts with data at " + p);
    }
    node = &child;
  }
  node->merge_patch(doc);
  return Status::Ok();
}

}  // namespace

StatusOr<PolicyBundle> CompilePolicyModules(
    const std::vector<std::pair<std::string, std::string>>& modules, const nlohmann::json& data,
    const BundleOptions& options) {
  auto impl = std::make_shared<PolicyBundle::Impl>();
  std::vector<std::unique_ptr<rego::Module>> parsed;
  rego::ParseOptions popts;
  popts.v0_compatible = options.v0_compatible;
  rego::DigestWriter hash;
  for (const auto& [file, source] : modules) {
    GOV_ASSIGN_OR_RETURN(auto m, rego::ParseModule(source, file, popts));
    parsed.push_back(std::move(m));
    impl->files.push_back(file);
    hash.Append(file);
    hash.Append('\0');
    hash.Append(std::to_string(source.size()));
    hash.Append('\0');
    hash.Append(source);
  }
  GOV_ASSIGN_OR_RETURN(impl->program,
                       rego::Compile(std::move(parsed),
                                     data.is_null() ? rego::Value() : rego::Value::FromJson(data)));
  impl->options = options;
  impl->decision_rules = AllDecisionRules(*impl->program);
  impl->digest = hash.FinishHex();
  PolicyBundle bundle;
  bundle.impl_ = std::move(impl);
  return bundle;
}

StatusOr<PolicyBundle> CompileBundleFiles(std::vector<std::pair<std::string, std::string>> files,
                                          const std::string& base, const std::string& directory,
                                          const BundleOptions& options) {
  auto impl = std::make_shared<PolicyBundle::Impl>();
  impl->directory = directory;
  std::vector<std::unique_ptr<rego::Module>> parsed;
  rego::ParseOptions popts;
  popts.v0_compatible = options.v0_compatible;
  nlohmann::json data = nlohmann::json::object();
  rego::DigestWriter hash;
  for (const auto& [rel, content] : files) {
    impl->files.push_back(rel);
    std::string full = base + rel;
    hash.Append(rel);
    hash.Append('\0');
    hash.Append(std::to_string(content.size()));
    hash.Append('\0');
    hash.Append(content);
    std::string name = fs::path(rel).filename().string();
    if (IsDataFile(name)) {
      nlohmann::json doc;
      if (name == "data.json") {
        GOV_ASSIGN_OR_RETURN(doc, ParseJson(content, full));
      } else {
        GOV_ASSIGN_OR_RETURN(doc, ParseYaml(content, full));
      }
      if (doc.is_null()) continue;
      std::vector<std::string> path;
      for (const auto& part : fs::path(rel).parent_path()) {
        if (!part.empty()) path.push_back(part.string());
      }
      GOV_RETURN_IF_ERROR(MergeData(&data, path, doc, full));
      continue;
    }
    GOV_ASSIGN_OR_RETURN(auto m, rego::ParseModule(content, full, popts));
    parsed.push_back(std::move(m));
  }
  if (parsed.empty()) return InvalidArgumentError(base + ": no .rego files in policy bundle");
  GOV_ASSIGN_OR_RETURN(impl->program, rego::Compile(std::move(parsed), rego::Value::FromJson(data)));
  impl->options = options;
  impl->decision_rules = AllDecisionRules(*impl->program);
  impl->digest = hash.FinishHex();
  impl->sources = std::move(files);
  PolicyBundle bundle;
  bundle.impl_ = std::move(impl);
  return bundle;
}

StatusOr<PolicyBundle> LoadPolicyBundle(const std::string& dir, const BundleOptions& options) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return NotFoundError(dir + ": policy directory does not exist");
  if (!fs::is_directory(dir, ec)) return InvalidArgumentError(dir + ": not a directory");
  std::vector<std::string> names;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return ErrnoToStatus(ec.value(), "reading policy directory", dir);
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return ErrnoToStatus(ec.value(), "reading policy directory", dir);
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (EndsWith(name, ".rego") || IsDataFile(name)) {
      names.push_back(fs::relative(p, dir).generic_string());
    }
  }
  std::sort(names.begin(), names.end());
  std::string base = dir;
  if (!base.empty() && base.back() != '/') base += '/';
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& rel : names) {
    GOV_ASSIGN_OR_RETURN(std::string content, ReadFile(base + rel));
    files.emplace_back(rel, std::move(content));
  }
  return CompileBundleFiles(std::move(files), base, dir, options);
}

nlohmann::json PolicyBundle::BaseData() const { return impl_->program->data.ToJson(); }

std::string PolicyBundle::Serialize() const {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& [path, content] : impl_->sources) {
    files.push_back({{"path", path}, {"content", Base64Encode(content)}});
  }
  return CanonicalJson({{"files", files}, {"v0_compatible", impl_->options.v0_compatible}});
}

StatusOr<PolicyBundle> LoadSerializedPolicyBundle(std::string_view serialized,
                                                  std::string_view expected_digest,
                                                  std::string_view origin) {
  const std::string o(origin);
  nlohmann::json j = ParseJson(serialized, o).value_or(nullptr);
  if (!j.is_object() || !j.contains("files") || !j["files"].is_array() ||
      !j.contains("v0_compatible") || !j["v0_compatible"].is_boolean()) {
    return DataLossError(o + ": not a serialised policy bundle");
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : j["files"]) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string() ||
        !f.contains("content") || !f["content"].is_string()) {
      return DataLossError(o + ": a file entry is malformed");
    }
    auto content = Base64Decode(f["content"].get<std::string>());
    if (!content.ok()) return DataLossError(o + ": a file's content is not base64");
    files.emplace_back(f["path"].get<std::string>(), std::move(*content));
  }
  if (!std::is_sorted(files.begin(), files.end())) {
    return DataLossError(o + ": files are not in path order");
  }
  BundleOptions options;
  options.v0_compatible = j["v0_compatible"].get<bool>();
  auto bundle = CompileBundleFiles(std::move(files), o + ":", "", options);
  if (!bundle.ok()) return bundle.status().WithContext(o);
  if (bundle->digest() != expected_digest) {
    return DataLossError(o + ": its files hash to " + bundle->digest() + ", not " +
                         std::string(expected_digest) + " (edited in the store)");
  }
  return bundle;
}

StatusOr<std::vector<QueryBindings>> PolicyBundle::Query(std::string_view query,
                                                         const QueryOptions& options) const {
  GOV_ASSIGN_OR_RETURN(rego::Body body, rego::ParseQuery(query, "query"));
  GOV_ASSIGN_OR_RETURN(rego::CompiledQuery q,
                       rego::CompileQuery(*impl_->program, std::move(body), "query"));
  rego::Value input;
  if (!options.input_term.empty()) {
    GOV_ASSIGN_OR_RETURN(rego::TermPtr term, rego::ParseTerm(options.input_term, "input"));
    rego::Body wrapper;
    auto expr = std::make_unique<rego::Expr>();
    expr->kind = rego::ExprKind::kTerm;
    expr->lhs = std::move(term);
    // Evaluate the term as a one-expression query binding nothing.
    auto unify = std::make_unique<rego::Expr>();
    unify->kind = rego::ExprKind::kUnify;
    unify->lhs = std::make_unique<rego::Term>();
    unify->lhs->kind = rego::TermKind::kVar;
    unify->lhs->name = "__input__";
    unify->rhs = std::move(expr->lhs);
    wrapper.push_back(std::move(unify));
    GOV_ASSIGN_OR_RETURN(rego::CompiledQuery iq,
                         rego::CompileQuery(*impl_->program, std::move(wrapper), "input"));
    rego::EvalOptions eo;
    eo.budget = options.budget;
    rego::Evaluator ev(*impl_->program, eo);
    int slot = iq.num_slots > 0 ? 0 : -1;
    GOV_RETURN_IF_ERROR(ev.Run(iq, rego::Value(), [&](const rego::Value* const* f) {
      if (slot >= 0 && f[slot] != nullptr) input = *f[slot];
      return false;
    }));
  } else if (options.input != nullptr) {
    input = rego::Value::FromJson(*options.input);
  }
  rego::EvalOptions eo;
  eo.strict_builtin_errors = options.strict_builtin_errors || impl_->options.strict_builtin_errors;
  eo.now_ns = options.now_ns;
  eo.print = options.print;
  eo.budget = options.budget;
  eo.read_host_files = impl_->options.read_host_files;
  rego::Evaluator ev(*impl_->program, eo);
  std::vector<QueryBindings> rows;
  GOV_RETURN_IF_ERROR(ev.Run(q, input, [&](const rego::Value* const* f) {
    QueryBindings row;
    for (const auto& [name, slot] : q.outputs) {
      if (f[slot] != nullptr) row[name] = f[slot]->ToJson();
    }
    rows.push_back(std::move(row));
    return true;
  }));
  return rows;
}

}  // namespace governance

namespace governance {

std::vector<PolicyBundle::PackageRules> PolicyBundle::Packages() const {
  std::vector<PackageRules> out;
  for (const auto& module : impl_->program->modules) {
    std::string name;
    for (const std::string& part : module->package) name += (name.empty() ? "" : ".") + part;
    bool seen = false;
    for (const PackageRules& p : out) seen = seen || p.package == name;
    if (seen) continue;
    PackageRules pkg;
    pkg.package = name;
    if (const rego::RuleNode* node = impl_->program->FindNode(module->package)) {
      for (const auto& [rule, child] : node->children) {
        if (!child->has_rules()) continue;
        pkg.rules.emplace_back(rule, child->rules.size() + (child->default_rule != nullptr ? 1 : 0));
      }
    }
    out.push_back(std::move(pkg));
  }
  return out;
}

std::vector<Status> CheckPolicyModules(
    const std::vector<std::pair<std::string, std::string>>& modules,
    const BundleOptions& options) {
  std::vector<Status> errors;
  rego::ParseOptions popts;
  popts.v0_compatible = options.v0_compatible;
  std::vector<std::pair<std::string, std::string>> parsed_ok;
  for (const auto& [file, source] : modules) {
    auto m = rego::ParseModule(source, file, popts);
    if (!m.ok()) {
      errors.push_back(m.status());
    } else {
      parsed_ok.emplace_back(file, source);
    }
  }
  if (!errors.empty()) return errors;
  // The compiler stops at its first error; setting that module aside and
  // compiling the rest again finds the next file's.
  bool set_aside = false;
  while (!parsed_ok.empty()) {
    std::vector<std::unique_ptr<rego::Module>> parsed;
    for (const auto& [file, source] : parsed_ok) {
      auto m = rego::ParseModule(source, file, popts);
      if (m.ok()) parsed.push_back(std::move(*m));
    }
    auto program = rego::Compile(std::move(parsed), rego::Value::FromJson(nlohmann::json::object()));
    if (program.ok()) break;
    const std::string message = program.status().message();
    auto culprit = std::find_if(parsed_ok.begin(), parsed_ok.end(), [&](const auto& f) {
      return message.compare(0, f.first.size() + 1, f.first + ":") == 0;
    });
    bool consequence = set_aside && message.find("undefined function") != std::string::npos;
    if (!consequence) errors.push_back(program.status());
    if (culprit == parsed_ok.end()) break;
    parsed_ok.erase(culprit);
    set_aside = true;
  }
  return errors;
}

}  // namespace governance
