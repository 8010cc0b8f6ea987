// `mgov policy eval` in conftest's manner: reading the inputs (files,
// directories, stdin; JSON and YAML, multi-document YAML split as conftest
// splits it), --data documents, and the check of one document against one
// namespace with conftest's counting (policy/engine.go's check: one query per
// deny/violation/warn rule, an exception query before it, successes padded
// up to the number of rule definitions).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/policy_conftest.h"
#include "core/document.h"
#include "core/file.h"

namespace governance::cli {
namespace {

namespace fs = std::filesystem;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsJsonName(std::string_view name) { return EndsWith(name, ".json"); }
bool IsYamlName(std::string_view name) { return EndsWith(name, ".yaml") || EndsWith(name, ".yml"); }

// One document to check, and where it came from.
struct InputDocument {
  std::string filename;
  int line = 0;  // where it starts when its file holds several documents
  nlohmann::json doc;
};

// One input file's documents, as conftest's parsers give them: a YAML file
// of several documents is an array of them.
struct ParsedFile {
  std::string filename;
  std::vector<std::pair<int, nlohmann::json>> documents;  // {start line, document}
  bool multi = false;
};

// The first line of `padded` at or after `from` holding more than blanks
// and comments: where a document's content starts.
int FirstContentLine(const std::string& padded, int from) {
  int line = 1;
  size_t pos = 0;
  while (pos < padded.size()) {
    size_t end = padded.find('\n', pos);
    std::string_view l(padded.data() + pos, (end == std::string::npos ? padded.size() : end) - pos);
    size_t b = l.find_first_not_of(" \t\r");
    if (line >= from && b != std::string_view::npos && l[b] != '#' && l.substr(b) != "---") {
      return line;
    }
    if (end == std::string::npos) break;
    pos = end + 1;
    ++line;
  }
  return from;
}

StatusOr<std::string> ReadInputText(const std::string& path) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return InvalidArgumentError("-: cannot read standard input");
    return text;
  }
  // ReadFile refuses what is not a regular file (a FIFO, a device).
  return ReadFile(path);
}

StatusOr<ParsedFile> ParseInputFile(const std::string& path) {
  GOV_ASSIGN_OR_RETURN(std::string text, ReadInputText(path));
  ParsedFile file;
  file.filename = path;
  if (IsJsonName(path)) {
    GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text, path));
    file.documents.emplace_back(0, std::move(doc));
    return file;
  }
  for (const YamlDocumentText& chunk : SplitYamlDocuments(text)) {
    GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseYaml(chunk.padded, path));
    if (doc.is_null()) continue;  // an empty document, as before a leading ---
    file.documents.emplace_back(FirstContentLine(chunk.padded, chunk.start_line), std::move(doc));
  }
  file.multi = file.documents.size() > 1;
  if (!file.multi) {
    for (auto& d : file.documents) d.first = 0;
  }
  return file;
}

// Every input file named: directories walked for JSON and YAML files (sorted),
// files taken as named. A named file of another format is an error: mgov
// reads only JSON and YAML.
StatusOr<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const std::string& in : inputs) {
    if (in == "-") {
      out.push_back(in);
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(in, ec);
    if (ec || !fs::exists(st)) return NotFoundError(in + ": no such file or directory");
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(in, fs::directory_options::skip_permission_denied, ec);
      if (ec) return ErrnoToStatus(ec.value(), "reading input directory", in);
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) return ErrnoToStatus(ec.value(), "reading input directory", in);
        std::string name = it->path().filename().string();
        if (it->is_regular_file() && (IsJsonName(name) || IsYamlName(name))) {
          found.push_back(it->path().generic_string());
        }
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
      continue;
    }
    // ReadFile says why a FIFO or a device is refused, without reading it.
    if (!fs::is_regular_file(st)) return ReadFile(in).status();
    if (!IsJsonName(in) && !IsYamlName(in)) {
      return InvalidArgumentError(in +
                                  ": unsupported input format (mgov reads .json, .yaml and .yml)");
    }
    out.push_back(in);
  }
  return out;
}

// Merges `doc` into `root` at `path`, objects key by key; anything else
// meeting a value already there is a conflict, named with `origin`.
Status MergeDocument(nlohmann::json* root, const std::vector<std::string>& path,
                     const nlohmann::json& doc, const std::string& origin) {
  nlohmann::json* node = root;
  for (const std::string& p : path) {
    nlohmann::json& child = (*node)[p];
    if (child.is_null()) child = nlohmann::json::object();
    if (!child.is_object()) return InvalidArgumentError(origin + ": conflicts with data at " + p);
    node = &child;
  }
  if (!doc.is_object()) {
    return InvalidArgumentError(origin + ": a data document must be an object at its top level");
  }
  for (const auto& [key, value] : doc.items()) {
    if (node->contains(key) && (*node)[key].is_object() && value.is_object()) {
      GOV_RETURN_IF_ERROR(MergeDocument(&(*node)[key], {}, value, origin));
    } else if (node->contains(key) && (*node)[key] != value) {
      return InvalidArgumentError(fmt::format("{}: data key {} conflicts with another data file",
                                              origin, key));
    } else {
      (*node)[key] = value;
    }
  }
  return Status::Ok();
}

StatusOr<nlohmann::json> ParseDataFile(const std::string& path) {
  GOV_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  if (IsJsonName(path)) return ParseJson(text, path);
  return ParseYaml(text, path);
}

// --data: a file's document at data's root; a directory's files at their
// folder below it, as `opa eval --data DIR` places them.
StatusOr<nlohmann::json> LoadData(const std::vector<std::string>& paths, nlohmann::json data) {
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return NotFoundError(path + ": --data: no such file or directory");
    if (!fs::is_directory(st)) {
      GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDataFile(path));
      GOV_RETURN_IF_ERROR(MergeDocument(&data, {}, doc, path));
      continue;
    }
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) return ErrnoToStatus(ec.value(), "reading data directory", path);
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return ErrnoToStatus(ec.value(), "reading data directory", path);
      std::string name = it->path().filename().string();
      if (it->is_regular_file() && (IsJsonName(name) || IsYamlName(name))) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDataFile(f.string()));
      if (doc.is_null()) continue;
      std::vector<std::string> at;
      for (const auto& part : fs::relative(f, path).parent_path()) {
        if (!part.empty() && part != ".") at.push_back(part.string());
      }
      GOV_RETURN_IF_ERROR(MergeDocument(&data, at, doc, f.string()));
    }
  }
  return data;
}

// The policy: every .rego file under each --policy path (hidden entries
// skipped), with the bundle's own data.json / data.yaml files placed as
// LoadPolicyBundle places them, and the --data documents.
}  // namespace

StatusOr<PolicyBundle> LoadPolicyWithData(const std::vector<std::string>& policy_dirs,
                                          const std::vector<std::string>& data_paths,
                                          const BundleOptions& bopts) {
  std::vector<std::pair<std::string, std::string>> modules;
  nlohmann::json data = nlohmann::json::object();
  for (const std::string& dir : policy_dirs) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return NotFoundError(dir + ": policy directory does not exist");
    std::vector<fs::path> files;
    if (!fs::is_directory(dir, ec)) {
      files.push_back(dir);
    } else {
      fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
      if (ec) return ErrnoToStatus(ec.value(), "reading policy directory", dir);
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) return ErrnoToStatus(ec.value(), "reading policy directory", dir);
        std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file()) files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
    }
    for (const fs::path& f : files) {
      std::string name = f.filename().string();
      if (EndsWith(name, ".rego")) {
        GOV_ASSIGN_OR_RETURN(std::string source, ReadFile(f.string()));
        modules.emplace_back(f.generic_string(), std::move(source));
      } else if (name == "data.json" || name == "data.yaml" || name == "data.yml") {
        GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDataFile(f.string()));
        if (doc.is_null()) continue;
        std::vector<std::string> at;
        for (const auto& part : fs::relative(f, dir).parent_path()) {
          if (!part.empty() && part != ".") at.push_back(part.string());
        }
        GOV_RETURN_IF_ERROR(MergeDocument(&data, at, doc, f.string()));
      }
    }
  }
  if (modules.empty()) {
    std::string dirs;
    for (const std::string& d : policy_dirs) dirs += (dirs.empty() ? "" : ", ") + d;
    return InvalidArgumentError(dirs + ": no .rego files in policy");
  }
  GOV_ASSIGN_OR_RETURN(data, LoadData(data_paths, std::move(data)));
  return CompilePolicyModules(modules, data, bopts);
}

namespace {

bool IsFailureRule(const std::string& rule) {
  static const std::regex re("^(deny|violation)(_[a-zA-Z0-9]+)*$");
  return std::regex_match(rule, re);
}

bool IsWarningRule(const std::string& rule) {
  static const std::regex re("^warn(_[a-zA-Z0-9]+)*$");
  return std::regex_match(rule, re);
}

// conftest's removeRulePrefix: the name an exception lists.
std::string ExceptionName(std::string rule) {
  for (std::string_view p : {"violation_", "deny_", "warn_"}) {
    if (rule.compare(0, p.size(), p) == 0) rule.erase(0, p.size());
  }
  return rule;
}

class Checker {
 public:
  Checker(const PolicyBundle& bundle, const ConftestEvalOptions& opts, Context& ctx)
      : bundle_(bundle), packages_(bundle.Packages()), opts_(opts), ctx_(ctx) {}

  std::vector<std::string> AllNamespaces() const {
    std::vector<std::string> out;
    for (const auto& p : packages_) out.push_back(p.package);
    std::sort(out.begin(), out.end());
    return out;
  }

  StatusOr<CheckResult> Check(const std::string& ns, const InputDocument& in) const {
    CheckResult result;
    result.filename = in.filename;
    result.ns = ns;
    result.line = in.line;
    std::vector<std::string> rules;
    size_t rule_count = 0;
    for (const auto& pkg : packages_) {
      if (pkg.package != ns) continue;
      for (const auto& [rule, definitions] : pkg.rules) {
        if (!IsFailureRule(rule) && !IsWarningRule(rule)) continue;
        rule_count += definitions;
        rules.push_back(rule);
      }
    }
    QueryOptions q;
    q.input = &in.doc;
    q.strict_builtin_errors = opts_.strict;
    q.budget = opts_.budget;
    q.print = [this](const std::string& line) { *ctx_.err << line << "\n"; };
    for (const std::string& rule : rules) {
      std::string exception_query = fmt::format(
          "data.{}.exception[_][_] == {}", ns, nlohmann::json(ExceptionName(rule)).dump());
      GOV_ASSIGN_OR_RETURN(auto excepted, bundle_.Query(exception_query, q));
      for (size_t i = 0; i < excepted.size(); ++i) {
        result.exceptions.push_back({rule, exception_query, nlohmann::json::object()});
      }
      GOV_ASSIGN_OR_RETURN(auto rows, bundle_.Query(fmt::format("conftest_value = data.{}.{}", ns, rule), q));
      if (!excepted.empty()) continue;
      for (const QueryBindings& row : rows) {
        auto value = row.find("conftest_value");
        if (value == row.end() || !value->second.is_array() || value->second.empty()) {
          ++result.successes;
          result.passed_rules.push_back(rule);
          continue;
        }
        for (const nlohmann::json& v : value->second) {
          CheckMessage m;
          m.rule = rule;
          if (v.is_string()) {
            m.msg = v.get<std::string>();
          } else if (v.is_object()) {
            if (!v.contains("msg")) {
              return InvalidArgumentError(fmt::format("data.{}.{}: rule missing msg field: {}",
                                                      ns, rule, v.dump()));
            }
            if (!v["msg"].is_string()) {
              return InvalidArgumentError(fmt::format("data.{}.{}: msg field must be string: {}",
                                                      ns, rule, v.dump()));
            }
            m.msg = v["msg"].get<std::string>();
            for (const auto& [k, meta] : v.items()) {
              if (k != "msg") m.metadata[k] = meta;
            }
          } else {
            continue;  // conftest reads only strings and objects
          }
          (IsFailureRule(rule) ? result.failures : result.warnings).push_back(std::move(m));
        }
      }
    }
    // conftest: a rule with several definitions reports one success, so the
    // count is made up to the number of definitions.
    size_t counted = result.failures.size() + result.warnings.size() + result.exceptions.size() +
                     result.successes;
    if (counted < rule_count) result.successes += rule_count - counted;
    return result;
  }

 private:
  const PolicyBundle& bundle_;
  std::vector<PolicyBundle::PackageRules> packages_;
  const ConftestEvalOptions& opts_;
  Context& ctx_;
};

}  // namespace

StatusOr<Outcome> RunConftestEval(const ConftestEvalOptions& opts, Context& ctx) {
  const auto& outputs = ConftestOutputs();
  if (std::find(outputs.begin(), outputs.end(), opts.output) == outputs.end()) {
    return InvalidArgumentError("--output " + opts.output + ": not one of stdout, table, json, tap, "
                                "junit, github, sarif");
  }
  if (opts.inputs.empty()) return InvalidArgumentError("no input: give --input FILE|DIR|-");
  BundleOptions bopts;
  bopts.v0_compatible = opts.v0_compatible;
  bopts.strict_builtin_errors = opts.strict;
  bopts.read_host_files = true;  // conftest's parse_config_file
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle, LoadPolicyWithData(opts.policy_dirs, opts.data, bopts));
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> paths, ExpandInputs(opts.inputs));
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    return InvalidArgumentError("-: standard input can be read only once");
  }
  std::vector<ParsedFile> files;
  for (const std::string& p : paths) {
    GOV_ASSIGN_OR_RETURN(ParsedFile f, ParseInputFile(p));
    files.push_back(std::move(f));
  }
  // conftest evaluates each document of a file on its own (a multi-document
  // YAML file, or a file whose top level is an array); --combine gives the
  // policy every document at once as [{path, contents}].
  std::vector<InputDocument> docs;
  if (opts.combine) {
    nlohmann::json combined = nlohmann::json::array();
    // Each document of a multi-document file is an entry of its own, with
    // the file's path, as conftest combines them.
    for (const ParsedFile& f : files) {
      for (const auto& d : f.documents) {
        combined.push_back({{"path", f.filename}, {"contents", d.second}});
      }
    }
    docs.push_back({"Combined", 0, std::move(combined)});
  } else {
    for (const ParsedFile& f : files) {
      for (const auto& [line, doc] : f.documents) {
        if (!f.multi && doc.is_array()) {
          for (const nlohmann::json& e : doc) docs.push_back({f.filename, 0, e});
        } else {
          docs.push_back({f.filename, line, doc});
        }
      }
    }
  }
  Checker checker(bundle, opts, ctx);
  std::vector<std::string> namespaces = opts.namespaces;
  if (opts.all_namespaces) namespaces = checker.AllNamespaces();
  if (namespaces.empty() && !opts.all_namespaces) namespaces = {"main"};
  std::vector<CheckResult> results;
  bool failed = false, warned = false;
  for (const std::string& ns : namespaces) {
    for (const InputDocument& d : docs) {
      StatusOr<CheckResult> r = checker.Check(ns, d);
      if (!r.ok()) {
        return r.status().WithContext(d.line > 0 ? fmt::format("{}:{}", d.filename, d.line)
                                                 : d.filename);
      }
      failed = failed || !r->failures.empty();
      warned = warned || !r->warnings.empty();
      results.push_back(std::move(*r));
    }
  }
  bool no = failed || (opts.fail_on_warn && warned);
  PrintCheckResults(results, opts.output, no ? kExitNo : kExitYes, *ctx.out);
  return no ? Outcome::kNo : Outcome::kYes;
}

}  // namespace governance::cli
