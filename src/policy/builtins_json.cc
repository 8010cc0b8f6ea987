// JSON document builtins beyond (un)marshalling: json.filter, json.remove,
// json.patch, json.marshal_with_options, json.match_schema and
// json.verify_schema.
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

#include "core/document.h"
#include "policy/builtins.h"
#include "policy/json_schema.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// A path into a document: its segments, as terms ("a/0" gives "a", "0").
using Path = std::vector<Value>;

// One element of json.filter's or json.remove's path operand: a
// "/"-separated JSON pointer (with ~0 and ~1 escapes, leading slashes
// optional) or an array of segments.
Status ParsePath(std::string_view fn, const Value& p, Path* out) {
  if (p.is_array()) {
    out->assign(p.items().begin(), p.items().end());
    return Status::Ok();
  }
  if (!p.is_string()) {
    return TypeError(fn, fmt::format("operand 2 must be one of {{set, array}} containing string "
                                     "paths or array of path segments but got {}",
                                     p.TypeName()));
  }
  std::string_view s = p.str();
  if (s.empty()) return Status::Ok();
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  size_t start = 0;
  for (;;) {
    size_t slash = s.find('/', start);
    std::string_view part = s.substr(start, slash == std::string_view::npos ? s.npos : slash - start);
    std::string seg;
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '~' && i + 1 < part.size() && part[i + 1] == '1') {
        seg.push_back('/');
        ++i;
      } else {
        seg.push_back(part[i]);
      }
    }
    std::string unescaped;
    for (size_t i = 0; i < seg.size(); ++i) {
      if (seg[i] == '~' && i + 1 < seg.size() && seg[i + 1] == '0') {
        unescaped.push_back('~');
        ++i;
      } else {
        unescaped.push_back(seg[i]);
      }
    }
    out->push_back(Value::String(std::move(unescaped)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::Ok();
}

// The paths of json.filter and json.remove merged into a tree; a leaf
// covers everything below it, so "a" and "a/b" together are just "a".
struct PathTree {
  bool leaf = false;
  std::map<Value, PathTree> children;

  const PathTree* Child(const Value& key) const {
    auto it = children.find(key);
    return it == children.end() ? nullptr : &it->second;
  }
};

Status PathsToTree(std::string_view fn, const Value& paths, PathTree* root) {
  if (!paths.is_array() && !paths.is_set()) {
    return OperandTypeError(fn, 2, "one of {set, array}", paths);
  }
  for (const Value& p : paths.items()) {
    Path path;
    GOV_RETURN_IF_ERROR(ParsePath(fn, p, &path));
    // OPA fails on an empty path (it indexes before the start of it); here
    // it selects nothing.
    if (path.empty()) continue;
    PathTree* node = root;
    bool covered = false;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      PathTree& child = node->children[path[i]];
      if (child.leaf) {
        covered = true;
        break;
      }
      node = &child;
    }
    if (!covered) {
      PathTree& last = node->children[path.back()];
      last.leaf = true;
      last.children.clear();
    }
  }
  return Status::Ok();
}

// json.remove: `v` without the leaves of `tree`; nullopt when v itself goes.
// Array elements are addressed by their index as a string ("0").
std::optional<Value> Remove(const Value& v, const PathTree* tree) {
  if (tree == nullptr) return v;
  if (tree->leaf) return std::nullopt;
  switch (v.kind()) {
    case Value::Kind::kObject: {
      ObjectEntries entries;
      for (const auto& [k, e] : v.entries()) {
        if (std::optional<Value> kept = Remove(e, tree->Child(k))) entries.emplace_back(k, *kept);
      }
      return Value::SortedObject(std::move(entries));
    }
    case Value::Kind::kSet: {
      ValueVector items;
      for (const Value& e : v.items()) {
        if (std::optional<Value> kept = Remove(e, tree->Child(e))) items.push_back(*kept);
      }
      return Value::Set(std::move(items));
    }
    case Value::Kind::kArray: {
      ValueVector items;
      for (size_t i = 0; i < v.items().size(); ++i) {
        const PathTree* sub = tree->Child(Value::String(std::to_string(i)));
        if (std::optional<Value> kept = Remove(v.items()[i], sub)) items.push_back(*kept);
      }
      return Value::Array(std::move(items));
    }
    default:
      return v;
  }
}

// json.filter: only what the tree's paths reach (all of it below a leaf).
Value Filter(const Value& v, const PathTree& tree) {
  if (tree.leaf) return v;
  switch (v.kind()) {
    case Value::Kind::kObject: {
      ObjectEntries entries;
      for (const auto& [k, e] : v.entries()) {
        if (const PathTree* sub = tree.Child(k)) entries.emplace_back(k, Filter(e, *sub));
      }
      return Value::SortedObject(std::move(entries));
    }
    case Value::Kind::kSet: {
      ValueVector items;
      for (const Value& e : v.items()) {
        if (const PathTree* sub = tree.Child(e)) items.push_back(Filter(e, *sub));
      }
      return Value::Set(std::move(items));
    }
    case Value::Kind::kArray: {
      ValueVector items;
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (const PathTree* sub = tree.Child(Value::String(std::to_string(i)))) {
          items.push_back(Filter(v.items()[i], *sub));
        }
      }
      return Value::Array(std::move(items));
    }
    default:
      return v;
  }
}

Status JsonFilter(Ctx&, Operands a, Value* out) {
  if (!a[0].is_object()) return OperandTypeError("json.filter", 1, "object", a[0]);
  PathTree tree;
  GOV_RETURN_IF_ERROR(PathsToTree("json.filter", a[1], &tree));
  *out = Filter(a[0], tree);
  return Status::Ok();
}

Status JsonRemove(Ctx&, Operands a, Value* out) {
  if (!a[0].is_object()) return OperandTypeError("json.remove", 1, "object", a[0]);
  PathTree tree;
  GOV_RETURN_IF_ERROR(PathsToTree("json.remove", a[1], &tree));
  if (std::optional<Value> kept = Remove(a[0], &tree)) *out = *kept;
  return Status::Ok();
}

// ---------------------------------------------------------------- json.patch
//
// RFC 6902 as OPA applies it: a path segment indexes an array when it is an
// integer (a number, or a string without leading zeros; "-" is the end);
// sets are addressed by their elements; an operation that cannot apply
// makes the whole call undefined, not an error.

std::optional<int64_t> ArrayIndex(const Value& array, const Value& key) {
  if (key.is_number()) {
    if (!key.is_int()) return std::nullopt;
    return key.as_int();
  }
  if (!key.is_string()) return std::nullopt;
  const std::string& s = key.str();
  if (s == "-") return static_cast<int64_t>(array.items().size());
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  }
  if (s != "0" && s[0] == '0') return std::nullopt;
  errno = 0;
  long long n = std::strtoll(s.c_str(), nullptr, 10);
  if (errno != 0) return std::nullopt;
  return n;
}

// Changes the direct child `key` of `parent`: the new parent, or undefined
// when the change does not apply; `*result` receives what the operation
// reads or removes.
using PatchStep = std::optional<Value> (*)(const Value& parent, const Value& key,
                                           const Value& value, Value* result);

// Rebuilds `target` along `path` with `step` applied at its end.
std::optional<Value> Traverse(const Value& target, const Path& path, size_t at, PatchStep step,
                              const Value& value, Value* result) {
  const Value& key = path[at];
  if (at + 1 == path.size()) return step(target, key, value, result);
  switch (target.kind()) {
    case Value::Kind::kObject: {
      const Value* child = target.Find(key);
      if (child == nullptr) return std::nullopt;
      std::optional<Value> updated = Traverse(*child, path, at + 1, step, value, result);
      if (!updated) return std::nullopt;
      ObjectEntries entries = target.entries();
      for (auto& e : entries) {
        if (e.first == key) e.second = *updated;
      }
      return Value::SortedObject(std::move(entries));
    }
    case Value::Kind::kArray: {
      std::optional<int64_t> i = ArrayIndex(target, key);
      const int64_t n = static_cast<int64_t>(target.items().size());
      if (!i || *i < 0 || *i >= n) return std::nullopt;
      std::optional<Value> updated =
          Traverse(target.items()[static_cast<size_t>(*i)], path, at + 1, step, value, result);
      if (!updated) return std::nullopt;
      ValueVector items = target.items();
      items[static_cast<size_t>(*i)] = *updated;
      return Value::Array(std::move(items));
    }
    case Value::Kind::kSet: {
      if (!target.Contains(key)) return std::nullopt;
      std::optional<Value> updated = Traverse(key, path, at + 1, step, value, result);
      if (!updated) return std::nullopt;
      ValueVector items;
      for (const Value& e : target.items()) items.push_back(e == key ? *updated : e);
      return Value::Set(std::move(items));
    }
    default:
      return std::nullopt;
  }
}

std::optional<Value> GetStep(const Value& parent, const Value& key, const Value&, Value* result) {
  switch (parent.kind()) {
    case Value::Kind::kObject:
      if (const Value* v = parent.Find(key)) *result = *v;
      return parent;
    case Value::Kind::kArray: {
      std::optional<int64_t> i = ArrayIndex(parent, key);
      if (!i) return std::nullopt;
      if (*i >= 0 && static_cast<size_t>(*i) < parent.items().size()) {
        *result = parent.items()[static_cast<size_t>(*i)];
      }
      return parent;
    }
    case Value::Kind::kSet:
      if (parent.Contains(key)) *result = key;
      return parent;
    default:
      return std::nullopt;
  }
}

std::optional<Value> AddStep(const Value& parent, const Value& key, const Value& value, Value*) {
  switch (parent.kind()) {
    case Value::Kind::kObject: {
      ObjectEntries entries = parent.entries();
      entries.emplace_back(key, value);
      return Value::Object(std::move(entries));
    }
    case Value::Kind::kArray: {
      std::optional<int64_t> i = ArrayIndex(parent, key);
      if (!i || *i < 0 || static_cast<size_t>(*i) > parent.items().size()) return std::nullopt;
      ValueVector items = parent.items();
      items.insert(items.begin() + *i, value);
      return Value::Array(std::move(items));
    }
    case Value::Kind::kSet: {
      if (key != value) return std::nullopt;
      ValueVector items = parent.items();
      items.push_back(key);
      return Value::Set(std::move(items));
    }
    default:
      return std::nullopt;
  }
}

std::optional<Value> RemoveStep(const Value& parent, const Value& key, const Value&,
                                Value* result) {
  switch (parent.kind()) {
    case Value::Kind::kObject: {
      ObjectEntries entries;
      for (const auto& e : parent.entries()) {
        if (e.first == key) {
          *result = e.second;
        } else {
          entries.push_back(e);
        }
      }
      return Value::SortedObject(std::move(entries));
    }
    case Value::Kind::kArray: {
      std::optional<int64_t> i = ArrayIndex(parent, key);
      if (!i || *i < 0 || static_cast<size_t>(*i) >= parent.items().size()) return std::nullopt;
      ValueVector items = parent.items();
      *result = items[static_cast<size_t>(*i)];
      items.erase(items.begin() + *i);
      return Value::Array(std::move(items));
    }
    case Value::Kind::kSet: {
      ValueVector items;
      for (const Value& e : parent.items()) {
        if (e == key) {
          *result = e;
        } else {
          items.push_back(e);
        }
      }
      return Value::SortedSet(std::move(items));
    }
    default:
      return std::nullopt;
  }
}

// The value at `path`, or undefined.
Value PatchGet(const Value& target, const Path& path) {
  if (path.empty()) return target;
  Value result;
  Traverse(target, path, 0, GetStep, Value(), &result);
  return result;
}

std::optional<Value> PatchAdd(const Value& target, const Path& path, const Value& value) {
  if (path.empty()) return value;
  Value unused;
  return Traverse(target, path, 0, AddStep, value, &unused);
}

// The document without the value at `path`, and that value.
std::optional<Value> PatchRemove(const Value& target, const Path& path, Value* removed) {
  if (path.empty()) return std::nullopt;
  std::optional<Value> updated = Traverse(target, path, 0, RemoveStep, Value(), removed);
  if (!updated || !removed->defined()) return std::nullopt;
  return updated;
}

Status JsonPatch(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "json.patch";
  if (!a[1].is_array()) return OperandTypeError(kFn, 2, "array", a[1]);
  Value target = a[0];
  for (const Value& op : a[1].items()) {
    if (!op.is_object()) {
      return TypeError(kFn, "operand 2 must be an array of JSON-Patch objects");
    }
    auto attribute = [&](const char* name, const Value** v) -> Status {
      *v = op.FindString(name);
      if (*v == nullptr) {
        return TypeError(kFn, fmt::format("operand 2 patch is missing '{}' attribute", name));
      }
      return Status::Ok();
    };
    auto path_attribute = [&](const char* name, Path* p) -> Status {
      const Value* v;
      GOV_RETURN_IF_ERROR(attribute(name, &v));
      return ParsePath(kFn, *v, p);
    };
    const Value* op_name;
    GOV_RETURN_IF_ERROR(attribute("op", &op_name));
    if (!op_name->is_string()) {
      return TypeError(kFn, "operand 2 patch attribute 'op' must be a string");
    }
    Path path;
    GOV_RETURN_IF_ERROR(path_attribute("path", &path));
    const std::string& name = op_name->str();
    std::optional<Value> next;
    if (name == "add") {
      const Value* value;
      GOV_RETURN_IF_ERROR(attribute("value", &value));
      next = PatchAdd(target, path, *value);
    } else if (name == "remove") {
      Value removed;
      next = PatchRemove(target, path, &removed);
    } else if (name == "replace") {
      const Value* value;
      GOV_RETURN_IF_ERROR(attribute("value", &value));
      if (path.empty()) {
        next = *value;
      } else {
        Value removed;
        if (std::optional<Value> rest = PatchRemove(target, path, &removed)) {
          next = PatchAdd(*rest, path, *value);
        }
      }
    } else if (name == "move") {
      Path from;
      GOV_RETURN_IF_ERROR(path_attribute("from", &from));
      Value moved;
      if (std::optional<Value> rest = PatchRemove(target, from, &moved)) {
        next = PatchAdd(*rest, path, moved);
      }
    } else if (name == "copy") {
      Path from;
      GOV_RETURN_IF_ERROR(path_attribute("from", &from));
      Value copied = PatchGet(target, from);
      if (copied.defined()) next = PatchAdd(target, path, copied);
    } else if (name == "test") {
      const Value* value;
      GOV_RETURN_IF_ERROR(attribute("value", &value));
      Value actual = PatchGet(target, path);
      if (actual.defined() && actual == *value) next = target;
    } else {
      return TypeError(kFn, "operand 2 must be an array of JSON-Patch objects");
    }
    // The patch applies atomically: once one operation fails, none does.
    if (!next) return Status::Ok();
    target = std::move(*next);
  }
  *out = std::move(target);
  return Status::Ok();
}

// ------------------------------------------------- json.marshal_with_options

// A JSON string as Go's encoding/json writes it: <, > and & escaped for
// HTML, U+2028/U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
void GoQuote(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (uint32_t cp : Utf8Decode(s)) {
    switch (cp) {
      case '"':
        *out += "\\\"";
        continue;
      case '\\':
        *out += "\\\\";
        continue;
      case '\n':
        *out += "\\n";
        continue;
      case '\r':
        *out += "\\r";
        continue;
      case '\t':
        *out += "\\t";
        continue;
      case '\b':
        *out += "\\b";
        continue;
      case '\f':
        *out += "\\f";
        continue;
      default:
        break;
    }
    if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029) {
      *out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 0xF]);
      continue;
    }
    *out += Utf8Encode({cp}, 0, 1);
  }
  out->push_back('"');
}

// Go's json.Marshal (indent empty) or json.MarshalIndent of `v` as OPA
// converts it: sets become arrays, object keys sorted.
void GoMarshal(const nlohmann::json& v, const std::string* prefix, const std::string* indent,
               int depth, std::string* out) {
  auto newline = [&](int d) {
    out->push_back('\n');
    *out += *prefix;
    for (int i = 0; i < d; ++i) *out += *indent;
  };
  const bool pretty = indent != nullptr;
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      if (v.empty()) {
        *out += "{}";
        return;
      }
      out->push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        if (pretty) newline(depth + 1);
        GoQuote(k, out);
        *out += pretty ? ": " : ":";
        GoMarshal(e, prefix, indent, depth + 1, out);
      }
      if (pretty) newline(depth);
      out->push_back('}');
      return;
    }
    case nlohmann::json::value_t::array: {
      if (v.empty()) {
        *out += "[]";
        return;
      }
      out->push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out->push_back(',');
        if (pretty) newline(depth + 1);
        GoMarshal(v[i], prefix, indent, depth + 1, out);
      }
      if (pretty) newline(depth);
      out->push_back(']');
      return;
    }
    case nlohmann::json::value_t::string:
      GoQuote(v.get_ref<const std::string&>(), out);
      return;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      *out += FormatNumber(Value::FromJson(v));
      return;
    default:
      *out += v.dump();
  }
}

Status JsonMarshalWithOptions(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "json.marshal_with_options";
  if (!a[1].is_object()) return OperandTypeError(kFn, 2, "object", a[1]);
  std::string indent = "\t";
  std::string prefix;
  bool implicit_pretty = false;
  std::optional<bool> explicit_pretty;
  int index = 0;
  for (const auto& [k, v] : a[1].entries()) {
    if (!k.is_string()) {
      return TypeError(kFn, fmt::format("operand 2 failed to stringify key {} at index {}: "
                                        "operand {} must be string but got {}",
                                        k.ToString(), index, index, k.TypeName()));
    }
    const std::string& key = k.str();
    if (key == "prefix" || key == "indent") {
      if (!v.is_string()) {
        return TypeError(kFn, fmt::format("operand 2 key {} failed cast to string: operand {} "
                                          "must be string but got {}",
                                          key, index, v.TypeName()));
      }
      (key == "prefix" ? prefix : indent) = v.str();
      implicit_pretty = true;
    } else if (key == "pretty") {
      if (!v.is_bool()) return TypeError(kFn, "operand 2 key pretty must be a boolean");
      explicit_pretty = v.as_bool();
    } else {
      return TypeError(kFn, fmt::format("operand 2 object contained unknown key {}", key));
    }
    ++index;
  }
  const bool pretty = explicit_pretty.value_or(implicit_pretty);
  std::string text;
  if (pretty) {
    // MarshalIndent leaves the first line unprefixed; OPA adds it.
    text = prefix;
    GoMarshal(a[0].ToJson(), &prefix, &indent, 0, &text);
  } else {
    GoMarshal(a[0].ToJson(), nullptr, nullptr, 0, &text);
  }
  *out = Value::String(std::move(text));
  return Status::Ok();
}

// ---------------------------------------------------------------- schemas

// A schema or document operand: a JSON string or an object.
StatusOr<nlohmann::json> SchemaOperand(const Value& v) {
  if (v.is_string()) {
    auto j = ParseJson(v.str(), "", DuplicateKeys::kLastWins);
    if (!j.ok()) return InvalidArgumentError("invalid JSON string");
    return *j;
  }
  if (v.is_object()) return v.ToJson();
  return InvalidArgumentError("wrong type, expected string or object");
}

Status JsonMatchSchema(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "json.match_schema";
  StatusOr<nlohmann::json> document = SchemaOperand(a[0]);
  if (!document.ok()) return BuiltinError(kFn, document.status().message());
  StatusOr<nlohmann::json> schema_json = SchemaOperand(a[1]);
  if (!schema_json.ok()) return BuiltinError(kFn, schema_json.status().message());
  auto schema = CompileJsonSchema(*schema_json);
  if (!schema.ok()) return BuiltinError(kFn, schema.status().message());
  ValueVector errors;
  for (JsonSchemaError& e : (*schema)->Validate(*document)) {
    errors.push_back(Value::Object({
        {Value::String("error"), Value::String(std::move(e.error))},
        {Value::String("type"), Value::String(std::move(e.type))},
        {Value::String("field"), Value::String(std::move(e.field))},
        {Value::String("desc"), Value::String(std::move(e.desc))},
    }));
  }
  const bool valid = errors.empty();
  *out = Value::Array({Value::Bool(valid), Value::Array(std::move(errors))});
  return Status::Ok();
}

Status JsonVerifySchema(Ctx&, Operands a, Value* out) {
  StatusOr<nlohmann::json> schema_json = SchemaOperand(a[0]);
  Status st = schema_json.status();
  if (st.ok()) st = CompileJsonSchema(*schema_json).status();
  if (!st.ok()) {
    *out = Value::Array({Value::False(), Value::String("jsonschema: " + st.message())});
  } else {
    *out = Value::Array({Value::True(), Value::Null()});
  }
  return Status::Ok();
}

}  // namespace

void RegisterJsonBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"json.filter", 2, JsonFilter},
                          {"json.remove", 2, JsonRemove},
                          {"json.patch", 2, JsonPatch},
                          {"json.marshal_with_options", 2, JsonMarshalWithOptions},
                          {"json.match_schema", 2, JsonMatchSchema},
                          {"json.verify_schema", 1, JsonVerifySchema},
                      });
}

}  // namespace governance::rego
