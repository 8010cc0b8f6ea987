#include "policy/metadata.h"

#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/document.h"

namespace governance::rego {
namespace {

using Json = nlohmann::json;

Status ParseError(const std::string& file, Location loc, std::string_view what) {
  return InvalidArgumentError(
      fmt::format("{}:{}:{}: rego_parse_error: {}", file, loc.row, loc.col, what));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "Jane Doe <jane@example.com>" as OPA reads an author: the last word is the
// email when it is written in angle brackets, the other words the name.
Json ParseAuthor(const std::string& text) {
  std::istringstream words(text);
  std::vector<std::string> parts;
  for (std::string w; words >> w;) parts.push_back(w);
  Json author = Json::object();
  if (parts.empty()) return author;
  const std::string& last = parts.back();
  if (last.size() >= 2 && last.front() == '<' && last.back() == '>') {
    author["email"] = last.substr(1, last.size() - 2);
    parts.pop_back();
  }
  std::string name;
  for (const std::string& p : parts) name += (name.empty() ? "" : " ") + p;
  if (!name.empty()) author["name"] = name;
  return author;
}

// "input.x.y" as the terms of a ref: [{"type": "var", "value": "input"},
// {"type": "string", "value": "x"}, ...].
Json RefTerms(const std::string& ref) {
  Json terms = Json::array();
  size_t start = 0;
  while (start <= ref.size()) {
    size_t dot = ref.find('.', start);
    if (dot == std::string::npos) dot = ref.size();
    std::string part = ref.substr(start, dot - start);
    terms.push_back({{"type", terms.empty() ? "var" : "string"}, {"value", part}});
    start = dot + 1;
  }
  return terms;
}

// The object rego.metadata.* return for one block's YAML, keys as OPA
// writes them; unknown keys are dropped.
StatusOr<Json> AnnotationObject(const Json& yaml, const std::string& scope, const std::string& file,
                                Location loc) {
  Json out = Json::object();
  out["scope"] = scope;
  for (const char* key : {"title", "description"}) {
    if (yaml.contains(key) && !yaml[key].is_null()) out[key] = yaml[key];
  }
  if (yaml.contains("organizations") && yaml["organizations"].is_array()) {
    out["organizations"] = yaml["organizations"];
  }
  if (yaml.contains("entrypoint") && yaml["entrypoint"].is_boolean() &&
      yaml["entrypoint"].get<bool>()) {
    out["entrypoint"] = true;
  }
  if (yaml.contains("custom") && yaml["custom"].is_object() && !yaml["custom"].empty()) {
    out["custom"] = yaml["custom"];
  }
  if (yaml.contains("authors")) {
    const Json& in = yaml["authors"];
    Json authors = Json::array();
    for (const Json& a : in.is_array() ? in : Json::array({in})) {
      Json author = a.is_string() ? ParseAuthor(a.get<std::string>()) : Json::object();
      if (a.is_object()) {
        for (const char* k : {"name", "email"}) {
          if (a.contains(k) && a[k].is_string() && !a[k].get<std::string>().empty()) {
            author[k] = a[k];
          }
        }
      }
      if (author.empty()) return ParseError(file, loc, "invalid author: name or email required");
      authors.push_back(std::move(author));
    }
    out["authors"] = std::move(authors);
  }
  if (yaml.contains("related_resources")) {
    const Json& in = yaml["related_resources"];
    Json resources = Json::array();
    for (const Json& r : in.is_array() ? in : Json::array({in})) {
      Json resource = Json::object();
      if (r.is_string()) {
        resource["ref"] = r;
      } else if (r.is_object() && r.contains("ref")) {
        resource["ref"] = r["ref"];
        if (r.contains("description")) resource["description"] = r["description"];
      } else {
        return ParseError(file, loc, "invalid related resource: ref required");
      }
      resources.push_back(std::move(resource));
    }
    out["related_resources"] = std::move(resources);
  }
  if (yaml.contains("schemas") && yaml["schemas"].is_array()) {
    Json schemas = Json::array();
    for (const Json& s : yaml["schemas"]) {
      if (!s.is_object()) continue;
      for (const auto& [path, schema] : s.items()) {
        Json entry = {{"path", RefTerms(path)}};
        if (schema.is_string()) {
          entry["schema"] = RefTerms(schema.get<std::string>());
        } else {
          entry["definition"] = schema;
        }
        schemas.push_back(std::move(entry));
      }
    }
    out["schemas"] = std::move(schemas);
  }
  return out;
}

// The package or rule a block ending on `row` belongs to: the first that
// starts below it. Null `*rule` with true result means the package.
bool FindTarget(Module* module, int row, Rule** rule) {
  *rule = nullptr;
  if (module->package_loc.row > row) return true;
  for (const auto& r : module->rules) {
    if (r->loc.row > row) {
      *rule = r.get();
      return true;
    }
  }
  return false;
}

}  // namespace

Status AttachAnnotations(const std::vector<Comment>& comments, Module* module) {
  const std::string& file = module->file;
  for (size_t i = 0; i < comments.size(); ++i) {
    const Comment& start = comments[i];
    if (start.loc.col != 1 || Trim(start.text) != "METADATA") continue;
    std::string yaml_text;
    int last_row = start.loc.row;
    size_t j = i + 1;
    for (; j < comments.size(); ++j) {
      const Comment& c = comments[j];
      if (c.loc.row != last_row + 1 || c.loc.col != 1 || Trim(c.text) == "METADATA") break;
      yaml_text += c.text;
      yaml_text += '\n';
      last_row = c.loc.row;
    }
    i = j - 1;
    Json yaml = Json::object();
    if (!Trim(yaml_text).empty()) {
      StatusOr<Json> parsed = ParseYaml(yaml_text, file);
      if (!parsed.ok()) {
        return ParseError(file, start.loc,
                          fmt::format("invalid METADATA block: {}", parsed.status().message()));
      }
      yaml = std::move(*parsed);
    }
    if (yaml.is_null()) yaml = Json::object();
    if (!yaml.is_object()) {
      return ParseError(file, start.loc, "invalid METADATA block: expected a YAML mapping");
    }
    Rule* rule = nullptr;
    if (!FindTarget(module, last_row, &rule)) continue;  // nothing follows it
    std::string scope = rule != nullptr ? "rule" : "package";
    if (yaml.contains("scope")) {
      if (!yaml["scope"].is_string()) {
        return ParseError(file, start.loc, "invalid annotation scope: expected a string");
      }
      scope = yaml["scope"].get<std::string>();
    }
    if (scope != "rule" && scope != "document" && scope != "package" && scope != "subpackages") {
      return ParseError(file, start.loc, fmt::format("invalid annotation scope '{}'", scope));
    }
    bool on_rule = scope == "rule" || scope == "document";
    if (on_rule != (rule != nullptr)) {
      return ParseError(file, start.loc,
                        fmt::format("annotation scope '{}' must be applied to {}", scope,
                                    on_rule ? "rule" : "package"));
    }
    GOV_ASSIGN_OR_RETURN(Json object, AnnotationObject(yaml, scope, file, start.loc));
    Annotations a{start.loc, scope, Value::FromJson(object)};
    if (rule != nullptr) {
      rule->annotations.push_back(std::move(a));
    } else {
      module->annotations.push_back(std::move(a));
    }
  }
  return Status::Ok();
}

namespace {

using Path = std::vector<std::string>;

Value PathValue(const Path& path) {
  ValueVector items;
  for (const std::string& p : path) items.push_back(Value::String(p));
  return Value::Array(std::move(items));
}

Value ChainEntry(const Path& path, const Value* annotations) {
  ObjectEntries entries;
  entries.emplace_back(Value::String("path"), PathValue(path));
  if (annotations != nullptr) entries.emplace_back(Value::String("annotations"), *annotations);
  return Value::Object(std::move(entries));
}

// rego.metadata.<name>() as written: the callee is the ref rego.metadata.<name>.
bool IsMetadataCall(const Term& t, std::string_view name) {
  if (t.kind != TermKind::kCall || t.args.size() != 1) return false;
  const Term& callee = *t.args[0];
  if (callee.kind != TermKind::kRef || callee.args.size() != 3) return false;
  const Term& head = *callee.args[0];
  auto is_string = [](const Term& s, std::string_view v) {
    return s.kind == TermKind::kScalar && s.value.is_string() && s.value.str() == v;
  };
  return head.kind == TermKind::kVar && head.name == "rego" && is_string(*callee.args[1], "metadata") &&
         is_string(*callee.args[2], name);
}

const Value* FindScope(const std::vector<Annotations>& list, std::string_view scope) {
  for (const Annotations& a : list) {
    if (a.scope == scope) return &a.value;
  }
  return nullptr;
}

}  // namespace

void RewriteMetadataCalls(const std::vector<std::unique_ptr<Module>>& modules) {
  // Scopes that reach beyond one rule, by path (the first block wins).
  std::map<Path, Value> documents, packages, subpackages;
  auto rule_path = [](const Module& m, const Rule& r) {
    Path path = m.package;
    for (const TermPtr& t : r.head_ref) {
      if (!(t->kind == TermKind::kScalar && t->value.is_string())) break;
      path.push_back(t->value.str());
    }
    return path;
  };
  for (const auto& m : modules) {
    if (const Value* v = FindScope(m->annotations, "package")) packages.emplace(m->package, *v);
    if (const Value* v = FindScope(m->annotations, "subpackages")) {
      subpackages.emplace(m->package, *v);
    }
    for (const auto& r : m->rules) {
      if (const Value* v = FindScope(r->annotations, "document")) {
        documents.emplace(rule_path(*m, *r), *v);
      }
    }
  }
  for (const auto& m : modules) {
    for (const auto& r : m->rules) {
      Value rule_value, chain_value;
      auto rule_annotations = [&]() -> const Value& {
        if (!rule_value.defined()) {
          const Value* own = FindScope(r->annotations, "rule");
          rule_value = own != nullptr ? *own : Value::Object({});
        }
        return rule_value;
      };
      auto chain = [&]() -> const Value& {
        if (chain_value.defined()) return chain_value;
        ValueVector entries;
        Path path = rule_path(*m, *r);
        entries.push_back(ChainEntry(path, FindScope(r->annotations, "rule")));
        if (auto it = documents.find(path); it != documents.end()) {
          entries.push_back(ChainEntry(path, &it->second));
        }
        if (auto it = packages.find(m->package); it != packages.end()) {
          entries.push_back(ChainEntry(m->package, &it->second));
        }
        for (size_t n = m->package.size(); n > 0; --n) {
          Path prefix(m->package.begin(), m->package.begin() + static_cast<long>(n));
          if (auto it = subpackages.find(prefix); it != subpackages.end()) {
            entries.push_back(ChainEntry(prefix, &it->second));
          }
        }
        chain_value = Value::Array(std::move(entries));
        return chain_value;
      };
      ForEachTerm(r.get(), [&](Term* t) {
        bool is_rule = IsMetadataCall(*t, "rule");
        if (!is_rule && !IsMetadataCall(*t, "chain")) return;
        t->value = is_rule ? rule_annotations() : chain();
        t->kind = TermKind::kScalar;
        t->args.clear();
      });
    }
  }
}

}  // namespace governance::rego
