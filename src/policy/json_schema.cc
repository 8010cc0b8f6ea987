// JSON Schema validation (policy/json_schema.h), after OPA's gojsonschema.
#include "policy/json_schema.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using nlohmann::json;

// Go's %v of a number (big.Float and float64 alike): the shortest digits
// that read back, in %e form when the exponent is below -4 or at least 21
// for integers printed by encoding/json, or at least 6 for text/template.
std::string GoFloat(double d, int max_plain_exponent) {
  if (d == 0) return "0";
  char buf[64];
  int prec = 1;
  for (; prec < 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
  // buf is "[-]D.DDDe[+-]XX": split into digits and exponent.
  std::string s = buf;
  const bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  const size_t e = s.find('e');
  std::string digits = s.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int exp = std::stoi(s.substr(e + 1));
  std::string out;
  if (exp < -4 || exp >= max_plain_exponent) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += fmt::format("e{}{:02d}", exp < 0 ? '-' : '+', std::abs(exp));
  } else if (exp < 0) {
    out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
    out = digits + std::string(static_cast<size_t>(exp) + 1 - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<size_t>(exp) + 1) + "." +
          digits.substr(static_cast<size_t>(exp) + 1);
  }
  return neg ? "-" + out : out;
}

std::string TemplateNumber(const json& n) {
  if (n.is_number_integer()) return n.dump();
  return GoFloat(n.get<double>(), 6);
}

// JSON text with every number as a float64 would print it, which is how
// gojsonschema compares enum and const values (1 and 1.0 are equal).
void GoJson(const json& v, std::string* out) {
  switch (v.type()) {
    case json::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        *out += QuoteString(k);
        out->push_back(':');
        GoJson(e, out);
      }
      out->push_back('}');
      break;
    }
    case json::value_t::array: {
      out->push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out->push_back(',');
        GoJson(v[i], out);
      }
      out->push_back(']');
      break;
    }
    case json::value_t::string:
      *out += QuoteString(v.get_ref<const std::string&>());
      break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      *out += GoFloat(v.get<double>(), 21);
      break;
    default:
      *out += v.dump();
  }
}

std::string GoJson(const json& v) {
  std::string out;
  GoJson(v, &out);
  return out;
}

bool IsInteger(const json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && d == std::floor(d);
}

// The type name gojsonschema gives a document value.
std::string GivenType(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return IsInteger(v) ? "integer" : "number";
  }
}

struct Node;

// A keyword whose value is a boolean or a schema (additionalProperties,
// additionalItems).
struct BoolOrSchema {
  bool present = false;
  bool allowed = true;  // when no schema
  const Node* schema = nullptr;
};

struct Node {
  std::optional<bool> pass;  // a true/false schema
  std::string ref;           // "$ref", resolved into ref_node
  const Node* ref_node = nullptr;
  std::vector<std::string> types;

  std::vector<std::pair<std::string, const Node*>> properties;  // sorted by name
  std::vector<std::pair<std::shared_ptr<RE2>, const Node*>> pattern_properties;
  BoolOrSchema additional_properties;
  std::vector<std::string> required;
  const Node* property_names = nullptr;
  std::optional<int64_t> min_properties, max_properties;
  std::vector<std::pair<std::string, std::vector<std::string>>> property_dependencies;
  std::vector<std::pair<std::string, const Node*>> schema_dependencies;

  bool items_single = false;
  std::vector<const Node*> items;
  BoolOrSchema additional_items;
  const Node* contains = nullptr;
  std::optional<int64_t> min_items, max_items;
  bool unique_items = false;

  bool enum_present = false;
  std::vector<std::string> enum_values;  // GoJson of each
  std::optional<std::string> const_value;

  std::optional<json> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
  std::optional<int64_t> min_length, max_length;
  std::shared_ptr<RE2> pattern;

  std::vector<const Node*> all_of, any_of, one_of;
  const Node* not_schema = nullptr;
  const Node *if_schema = nullptr, *then_schema = nullptr, *else_schema = nullptr;
};

Status SchemaError(std::string message) { return InvalidArgumentError(std::move(message)); }

class Compiler {
 public:
  explicit Compiler(const json& root) : root_(root) {}

  StatusOr<const Node*> Compile(const json& s, const std::string& pointer) {
    auto it = by_pointer_.find(pointer);
    if (it != by_pointer_.end()) return it->second;
    if (++depth_ > kMaxDocumentDepthHere) return SchemaError("schema nests too deeply");
    auto node = std::make_unique<Node>();
    Node* n = node.get();
    nodes_.push_back(std::move(node));
    by_pointer_[pointer] = n;
    Status st = Fill(s, pointer, n);
    --depth_;
    if (!st.ok()) return st;
    return n;
  }

  // Resolves every "$ref" (compiling the schemas they point at).
  Status ResolveRefs() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node* n = nodes_[i].get();
      if (n->ref.empty()) continue;
      const std::string& ref = n->ref;
      if (auto id = ids_.find(ref); id != ids_.end()) {
        n->ref_node = id->second;
        continue;
      }
      if (ref[0] != '#') return SchemaError("Reference " + ref + " must be canonical");
      std::string pointer = ref.substr(1);
      const json* target = &root_;
      if (!pointer.empty()) {
        try {
          target = &root_.at(json::json_pointer(pointer));
        } catch (const std::exception&) {
          return SchemaError("Object has no key '" + pointer + "'");
        }
      }
      GOV_ASSIGN_OR_RETURN(n->ref_node, Compile(*target, pointer));
    }
    return Status::Ok();
  }

  std::vector<std::unique_ptr<Node>> TakeNodes() { return std::move(nodes_); }

 private:
  static constexpr int kMaxDocumentDepthHere = 256;

  StatusOr<const Node*> Sub(const json& s, const std::string& pointer) { return Compile(s, pointer); }

  static std::string Escape(const std::string& key) {
    std::string out;
    for (char c : key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  static StatusOr<std::optional<int64_t>> NonNegativeInt(const json& s, const char* key) {
    auto it = s.find(key);
    if (it == s.end()) return std::optional<int64_t>();
    if (!it->is_number() || !IsInteger(*it)) {
      return SchemaError(fmt::format("{} must be of an integer", key));
    }
    int64_t v = it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
    if (v < 0) return SchemaError(fmt::format("{} must be greater than or equal to 0", key));
    return std::optional<int64_t>(v);
  }

  static StatusOr<std::optional<json>> Number(const json& s, const char* key) {
    auto it = s.find(key);
    if (it == s.end()) return std::optional<json>();
    if (!it->is_number()) return SchemaError(fmt::format("{} must be of a number", key));
    return std::optional<json>(*it);
  }

  StatusOr<std::vector<const Node*>> SchemaList(const json& s, const char* key,
                                               const std::string& pointer) {
    std::vector<const Node*> out;
    auto it = s.find(key);
    if (it == s.end()) return out;
    if (!it->is_array() || it->empty()) {
      return SchemaError(fmt::format("{} must be of an array", key));
    }
    for (size_t i = 0; i < it->size(); ++i) {
      GOV_ASSIGN_OR_RETURN(const Node* n,
                           Sub((*it)[i], fmt::format("{}/{}/{}", pointer, key, i)));
      out.push_back(n);
    }
    return out;
  }

  StatusOr<const Node*> OptionalSchema(const json& s, const char* key, const std::string& pointer) {
    auto it = s.find(key);
    if (it == s.end()) return static_cast<const Node*>(nullptr);
    if (!it->is_object() && !it->is_boolean()) {
      return SchemaError(fmt::format("{} must be of an object", key));
    }
    return Sub(*it, pointer + "/" + key);
  }

  StatusOr<BoolOrSchema> BoolOrSchemaOf(const json& s, const char* key,
                                        const std::string& pointer) {
    BoolOrSchema out;
    auto it = s.find(key);
    if (it == s.end()) return out;
    out.present = true;
    if (it->is_boolean()) {
      out.allowed = it->get<bool>();
    } else if (it->is_object()) {
      GOV_ASSIGN_OR_RETURN(out.schema, Sub(*it, pointer + "/" + key));
    } else {
      return SchemaError(fmt::format("{} must be of a boolean/schema", key));
    }
    return out;
  }

  static StatusOr<std::shared_ptr<RE2>> Regex(const std::string& pattern, const char* key) {
    RE2::Options opts;
    opts.set_log_errors(false);
    auto re = std::make_shared<RE2>(pattern, opts);
    if (!re->ok()) return SchemaError(fmt::format("{} must be a valid regex", key));
    return re;
  }

  Status Fill(const json& s, const std::string& pointer, Node* n) {
    if (s.is_boolean()) {
      n->pass = s.get<bool>();
      return Status::Ok();
    }
    if (!s.is_object()) return SchemaError("Invalid JSON, schema must be an object or a boolean");

    if (auto it = s.find("$id"); it != s.end() && it->is_string()) {
      ids_[it->get<std::string>()] = n;
    } else if (auto id = s.find("id"); id != s.end() && id->is_string()) {
      ids_[id->get<std::string>()] = n;
    }
    if (auto it = s.find("$ref"); it != s.end()) {
      if (!it->is_string()) return SchemaError("$ref must be of type string");
      n->ref = it->get<std::string>();
      if (n->ref.empty()) n->ref = "#";
    }

    if (auto it = s.find("type"); it != s.end()) {
      std::vector<std::string> names;
      if (it->is_string()) {
        names.push_back(it->get<std::string>());
      } else if (it->is_array()) {
        for (const json& t : *it) {
          if (!t.is_string()) return SchemaError("type must be of type string/array of strings");
          names.push_back(t.get<std::string>());
        }
      } else {
        return SchemaError("type must be of type string/array of strings");
      }
      static const std::set<std::string> kTypes = {"array",  "boolean", "integer", "number",
                                                   "null",   "object",  "string"};
      for (const std::string& t : names) {
        if (kTypes.count(t) == 0) {
          return SchemaError(
              "has a primitive type that is NOT VALID -- given: /" + t +
              "/ Expected valid values are:[array boolean integer number null object string]");
        }
        if (std::find(n->types.begin(), n->types.end(), t) != n->types.end()) {
          return SchemaError(t + " type is duplicated");
        }
        n->types.push_back(t);
      }
    }

    if (auto it = s.find("properties"); it != s.end()) {
      if (!it->is_object()) return SchemaError("properties must be of an object");
      for (const auto& [k, v] : it->items()) {
        GOV_ASSIGN_OR_RETURN(const Node* p, Sub(v, pointer + "/properties/" + Escape(k)));
        n->properties.emplace_back(k, p);
      }
    }
    if (auto it = s.find("patternProperties"); it != s.end()) {
      if (!it->is_object()) return SchemaError("patternProperties must be of an object");
      for (const auto& [k, v] : it->items()) {
        GOV_ASSIGN_OR_RETURN(std::shared_ptr<RE2> re, Regex(k, "patternProperties"));
        GOV_ASSIGN_OR_RETURN(const Node* p, Sub(v, pointer + "/patternProperties/" + Escape(k)));
        n->pattern_properties.emplace_back(std::move(re), p);
      }
    }
    GOV_ASSIGN_OR_RETURN(n->additional_properties,
                         BoolOrSchemaOf(s, "additionalProperties", pointer));
    if (auto it = s.find("required"); it != s.end()) {
      if (!it->is_array()) return SchemaError("required must be of an array");
      for (const json& r : *it) {
        if (!r.is_string()) return SchemaError("required items must be string");
        std::string name = r.get<std::string>();
        if (std::find(n->required.begin(), n->required.end(), name) != n->required.end()) {
          return SchemaError("required items must be unique");
        }
        n->required.push_back(std::move(name));
      }
    }
    GOV_ASSIGN_OR_RETURN(n->property_names, OptionalSchema(s, "propertyNames", pointer));
    GOV_ASSIGN_OR_RETURN(n->min_properties, NonNegativeInt(s, "minProperties"));
    GOV_ASSIGN_OR_RETURN(n->max_properties, NonNegativeInt(s, "maxProperties"));
    if (n->min_properties && n->max_properties && *n->min_properties > *n->max_properties) {
      return SchemaError("minProperties cannot be greater than maxProperties");
    }
    if (auto it = s.find("dependencies"); it != s.end()) {
      if (!it->is_object()) return SchemaError("dependencies must be of an object");
      for (const auto& [k, v] : it->items()) {
        if (v.is_array()) {
          std::vector<std::string> names;
          for (const json& d : v) {
            if (!d.is_string()) return SchemaError("dependency items must be string");
            names.push_back(d.get<std::string>());
          }
          n->property_dependencies.emplace_back(k, std::move(names));
        } else if (v.is_object() || v.is_boolean()) {
          GOV_ASSIGN_OR_RETURN(const Node* d, Sub(v, pointer + "/dependencies/" + Escape(k)));
          n->schema_dependencies.emplace_back(k, d);
        } else {
          return SchemaError("dependency must be of type schema/array of strings");
        }
      }
    }

    if (auto it = s.find("items"); it != s.end()) {
      if (it->is_object() || it->is_boolean()) {
        n->items_single = true;
        GOV_ASSIGN_OR_RETURN(const Node* i, Sub(*it, pointer + "/items"));
        n->items.push_back(i);
      } else if (it->is_array()) {
        for (size_t i = 0; i < it->size(); ++i) {
          GOV_ASSIGN_OR_RETURN(const Node* item, Sub((*it)[i], fmt::format("{}/items/{}", pointer, i)));
          n->items.push_back(item);
        }
      } else {
        return SchemaError("items must be of type schema/array of schemas");
      }
    }
    GOV_ASSIGN_OR_RETURN(n->additional_items, BoolOrSchemaOf(s, "additionalItems", pointer));
    GOV_ASSIGN_OR_RETURN(n->contains, OptionalSchema(s, "contains", pointer));
    GOV_ASSIGN_OR_RETURN(n->min_items, NonNegativeInt(s, "minItems"));
    GOV_ASSIGN_OR_RETURN(n->max_items, NonNegativeInt(s, "maxItems"));
    if (n->min_items && n->max_items && *n->min_items > *n->max_items) {
      return SchemaError("minItems cannot be greater than maxItems");
    }
    if (auto it = s.find("uniqueItems"); it != s.end()) {
      if (!it->is_boolean()) return SchemaError("uniqueItems must be of a boolean");
      n->unique_items = it->get<bool>();
    }

    if (auto it = s.find("enum"); it != s.end()) {
      if (!it->is_array()) return SchemaError("enum must be of an array");
      n->enum_present = true;
      for (const json& e : *it) {
        std::string text = GoJson(e);
        if (std::find(n->enum_values.begin(), n->enum_values.end(), text) !=
            n->enum_values.end()) {
          return SchemaError("enum items must be unique");
        }
        n->enum_values.push_back(std::move(text));
      }
    }
    if (auto it = s.find("const"); it != s.end()) n->const_value = GoJson(*it);

    GOV_ASSIGN_OR_RETURN(n->minimum, Number(s, "minimum"));
    GOV_ASSIGN_OR_RETURN(n->maximum, Number(s, "maximum"));
    // exclusiveMinimum/Maximum: a number (draft 6+) or, with minimum or
    // maximum, a boolean (draft 4) that makes that bound exclusive.
    for (const char* key : {"exclusiveMinimum", "exclusiveMaximum"}) {
      auto it = s.find(key);
      if (it == s.end()) continue;
      const bool is_min = std::string_view(key) == "exclusiveMinimum";
      std::optional<json>& bound = is_min ? n->minimum : n->maximum;
      std::optional<json>& exclusive = is_min ? n->exclusive_minimum : n->exclusive_maximum;
      if (it->is_boolean()) {
        if (!bound) {
          return SchemaError(fmt::format("{} cannot be used without {}", key,
                                         is_min ? "minimum" : "maximum"));
        }
        if (it->get<bool>()) {
          exclusive = bound;
          bound.reset();
        }
      } else if (it->is_number()) {
        exclusive = *it;
      } else {
        return SchemaError(fmt::format("{} must be of a number", key));
      }
    }
    GOV_ASSIGN_OR_RETURN(n->multiple_of, Number(s, "multipleOf"));
    if (n->multiple_of && n->multiple_of->get<double>() <= 0) {
      return SchemaError("multipleOf must be strictly greater than 0");
    }
    GOV_ASSIGN_OR_RETURN(n->min_length, NonNegativeInt(s, "minLength"));
    GOV_ASSIGN_OR_RETURN(n->max_length, NonNegativeInt(s, "maxLength"));
    if (n->min_length && n->max_length && *n->min_length > *n->max_length) {
      return SchemaError("minLength cannot be greater than maxLength");
    }
    if (auto it = s.find("pattern"); it != s.end()) {
      if (!it->is_string()) return SchemaError("pattern must be of type string");
      GOV_ASSIGN_OR_RETURN(n->pattern, Regex(it->get<std::string>(), "pattern"));
    }

    GOV_ASSIGN_OR_RETURN(n->all_of, SchemaList(s, "allOf", pointer));
    GOV_ASSIGN_OR_RETURN(n->any_of, SchemaList(s, "anyOf", pointer));
    GOV_ASSIGN_OR_RETURN(n->one_of, SchemaList(s, "oneOf", pointer));
    GOV_ASSIGN_OR_RETURN(n->not_schema, OptionalSchema(s, "not", pointer));
    GOV_ASSIGN_OR_RETURN(n->if_schema, OptionalSchema(s, "if", pointer));
    GOV_ASSIGN_OR_RETURN(n->then_schema, OptionalSchema(s, "then", pointer));
    GOV_ASSIGN_OR_RETURN(n->else_schema, OptionalSchema(s, "else", pointer));
    return Status::Ok();
  }

  const json& root_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::string, Node*> by_pointer_;
  std::map<std::string, Node*> ids_;
  int depth_ = 0;
};

// Where in the document a check is: "(root)", then one segment per step.
struct Context {
  const Context* parent;
  std::string segment;

  std::string Path() const {
    if (parent == nullptr) return segment;
    return parent->Path() + "." + segment;
  }
};

// One validation's errors and gojsonschema's score: each check passed
// raises it, each failure lowers it, and anyOf/oneOf report the failing
// branch that scored best, as the one the author most likely meant.
struct Result {
  std::vector<JsonSchemaError> errors;
  int score = 0;

  bool Valid() const { return errors.empty(); }
  void Merge(const Result& other) {
    errors.insert(errors.end(), other.errors.begin(), other.errors.end());
  }
  void Add(const Context& ctx, std::string type, std::string desc) {
    std::string path = ctx.Path();
    // gojsonschema names fields without the "(root)." prefix.
    std::string field = path == "(root)" ? path : path.substr(std::string("(root).").size());
    JsonSchemaError e;
    e.error = field + ": " + desc;
    e.type = std::move(type);
    e.field = std::move(field);
    e.desc = std::move(desc);
    errors.push_back(std::move(e));
    score -= 2;
  }
};

// The field name as gojsonschema's templates print it ({{.field}}).
std::string FieldOf(const Context& ctx) {
  std::string path = ctx.Path();
  return path == "(root)" ? path : path.substr(std::string("(root).").size());
}

std::string TypesText(const std::vector<std::string>& types) {
  if (types.size() == 1) return types[0];
  std::string out = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += ",";
    out += types[i];
  }
  return out + "]";
}

bool HasType(const Node& n, const char* t) {
  return std::find(n.types.begin(), n.types.end(), t) != n.types.end();
}

int CompareNumbers(const json& a, const json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    const int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const double x = a.get<double>(), y = b.get<double>();
  return x < y ? -1 : x > y ? 1 : 0;
}

class Validator {
 public:
  void Recursive(const Node& n, const json& v, Result* r, const Context& ctx) const {
    // A "$ref" cycle that never descends into the document ({"$ref": "#"})
    // would recurse forever; gojsonschema overflows its stack there.
    if (depth_ > kMaxDepth) {
      r->Add(ctx, "internal", "Internal Error schema references recurse too deeply");
      return;
    }
    ++depth_;
    RecursiveAt(n, v, r, ctx);
    --depth_;
  }

 private:
  static constexpr int kMaxDepth = 512;
  mutable int depth_ = 0;

  void RecursiveAt(const Node& n, const json& v, Result* r, const Context& ctx) const {
    if (n.pass) {
      if (!*n.pass) r->Add(ctx, "false", "False always fails validation");
      return;
    }
    if (n.ref_node != nullptr) {
      Recursive(*n.ref_node, v, r, ctx);
      return;
    }
    const std::string given = GivenType(v);
    if (!n.types.empty()) {
      bool ok = HasType(n, given.c_str()) || (given == "integer" && HasType(n, "number"));
      if (!ok) {
        r->Add(ctx, "invalid_type",
               "Invalid type. Expected: " + TypesText(n.types) + ", given: " + given);
        return;
      }
    }
    Composition(n, v, r, ctx);
    if (v.is_number()) Number(n, v, r, ctx);
    if (v.is_array()) Array(n, v, r, ctx);
    if (v.is_object()) Object(n, v, r, ctx);
    Common(n, v, r, ctx);
    if (v.is_string()) String(n, v.get_ref<const std::string&>(), r, ctx);
    if (v.is_object()) {
      for (const auto& [name, schema] : n.properties) {
        auto it = v.find(name);
        if (it != v.end()) Recursive(*schema, *it, r, Context{&ctx, name});
      }
    }
    ++r->score;
  }

  Result Sub(const Node& n, const json& v, const Context& ctx) const {
    Result r;
    Recursive(n, v, &r, ctx);
    return r;
  }

  void Composition(const Node& n, const json& v, Result* r, const Context& ctx) const {
    if (!n.any_of.empty()) {
      bool valid = false;
      std::optional<Result> best;
      for (const Node* s : n.any_of) {
        if (valid) break;
        Result sub = Sub(*s, v, ctx);
        valid = sub.Valid();
        if (!valid && (!best || sub.score > best->score)) best = std::move(sub);
      }
      if (!valid) {
        r->Add(ctx, "number_any_of", "Must validate at least one schema (anyOf)");
        if (best) r->Merge(*best);
      }
    }
    if (!n.one_of.empty()) {
      int validated = 0;
      std::optional<Result> best;
      for (const Node* s : n.one_of) {
        Result sub = Sub(*s, v, ctx);
        if (sub.Valid()) {
          ++validated;
        } else if (validated == 0 && (!best || sub.score > best->score)) {
          best = std::move(sub);
        }
      }
      if (validated != 1) {
        r->Add(ctx, "number_one_of", "Must validate one and only one schema (oneOf)");
        if (validated == 0 && best) r->Merge(*best);
      }
    }
    if (!n.all_of.empty()) {
      size_t validated = 0;
      for (const Node* s : n.all_of) {
        Result sub = Sub(*s, v, ctx);
        if (sub.Valid()) ++validated;
        r->Merge(sub);
      }
      if (validated != n.all_of.size()) {
        r->Add(ctx, "number_all_of", "Must validate all the schemas (allOf)");
      }
    }
    if (n.not_schema != nullptr && Sub(*n.not_schema, v, ctx).Valid()) {
      r->Add(ctx, "number_not", "Must not validate the schema (not)");
    }
    if (v.is_object()) {
      for (const auto& [key, names] : n.property_dependencies) {
        if (!v.contains(key)) continue;
        for (const std::string& d : names) {
          if (!v.contains(d)) r->Add(ctx, "missing_dependency", "Has a dependency on " + d);
        }
      }
      for (const auto& [key, schema] : n.schema_dependencies) {
        if (v.contains(key)) Recursive(*schema, v, r, ctx);
      }
    }
    if (n.if_schema != nullptr) {
      const bool if_valid = Sub(*n.if_schema, v, ctx).Valid();
      if (if_valid && n.then_schema != nullptr) {
        Result sub = Sub(*n.then_schema, v, ctx);
        if (!sub.Valid()) {
          r->Add(ctx, "condition_then", "Must validate \"then\" as \"if\" was valid");
          r->Merge(sub);
        }
      }
      if (!if_valid && n.else_schema != nullptr) {
        Result sub = Sub(*n.else_schema, v, ctx);
        if (!sub.Valid()) {
          r->Add(ctx, "condition_else", "Must validate \"else\" as \"if\" was not valid");
          r->Merge(sub);
        }
      }
    }
    ++r->score;
  }

  void Common(const Node& n, const json& v, Result* r, const Context& ctx) const {
    if (n.const_value || n.enum_present) {
      const std::string text = GoJson(v);
      if (n.const_value && text != *n.const_value) {
        r->Add(ctx, "const", FieldOf(ctx) + " does not match: " + *n.const_value);
      }
      if (n.enum_present &&
          std::find(n.enum_values.begin(), n.enum_values.end(), text) == n.enum_values.end()) {
        std::string allowed;
        for (const std::string& e : n.enum_values) {
          if (!allowed.empty()) allowed += ", ";
          allowed += e;
        }
        if (allowed.empty()) allowed = "(none)";
        r->Add(ctx, "enum", FieldOf(ctx) + " must be one of the following: " + allowed);
      }
    }
    ++r->score;
  }

  void Array(const Node& n, const json& v, Result* r, const Context& ctx) const {
    const size_t count = v.size();
    if (n.items_single) {
      for (size_t i = 0; i < count; ++i) {
        r->Merge(Sub(*n.items[0], v[i], Context{&ctx, std::to_string(i)}));
      }
    } else if (!n.items.empty()) {
      const size_t positional = n.items.size();
      for (size_t i = 0; i < positional && i < count; ++i) {
        r->Merge(Sub(*n.items[i], v[i], Context{&ctx, std::to_string(i)}));
      }
      if (positional < count && n.additional_items.present) {
        if (n.additional_items.schema != nullptr) {
          for (size_t i = positional; i < count; ++i) {
            r->Merge(Sub(*n.additional_items.schema, v[i], Context{&ctx, std::to_string(i)}));
          }
        } else if (!n.additional_items.allowed) {
          r->Add(ctx, "array_no_additional_items", "No additional items allowed on array");
        }
      }
    }
    if (n.min_items && static_cast<int64_t>(count) < *n.min_items) {
      r->Add(ctx, "array_min_items", fmt::format("Array must have at least {} items", *n.min_items));
    }
    if (n.max_items && static_cast<int64_t>(count) > *n.max_items) {
      r->Add(ctx, "array_max_items", fmt::format("Array must have at most {} items", *n.max_items));
    }
    if (n.unique_items) {
      std::map<std::string, size_t> seen;
      for (size_t j = 0; j < count; ++j) {
        std::string text = GoJson(v[j]);
        auto it = seen.find(text);
        if (it != seen.end()) {
          r->Add(ctx, "unique", fmt::format("array items[{},{}] must be unique", it->second, j));
        }
        seen[text] = j;
      }
    }
    if (n.contains != nullptr) {
      bool found = false;
      std::optional<Result> best;
      for (size_t i = 0; i < count; ++i) {
        Result sub = Sub(*n.contains, v[i], Context{&ctx, std::to_string(i)});
        if (sub.Valid()) {
          found = true;
          break;
        }
        if (!best || sub.score > best->score) best = std::move(sub);
      }
      if (!found) {
        r->Add(ctx, "contains", "At least one of the items must match");
        if (best) r->Merge(*best);
      }
    }
    ++r->score;
  }

  void Object(const Node& n, const json& v, Result* r, const Context& ctx) const {
    const int64_t count = static_cast<int64_t>(v.size());
    if (n.min_properties && count < *n.min_properties) {
      r->Add(ctx, "array_min_properties",
             fmt::format("Must have at least {} properties", *n.min_properties));
    }
    if (n.max_properties && count > *n.max_properties) {
      r->Add(ctx, "array_max_properties",
             fmt::format("Must have at most {} properties", *n.max_properties));
    }
    for (const std::string& name : n.required) {
      if (v.contains(name)) {
        ++r->score;
      } else {
        r->Add(ctx, "required", name + " is required");
      }
    }
    for (const auto& [key, value] : v.items()) {
      const bool described =
          std::any_of(n.properties.begin(), n.properties.end(),
                      [&k = key](const auto& p) { return p.first == k; });
      bool pattern_matched = false;
      for (const auto& [re, schema] : n.pattern_properties) {
        if (RE2::PartialMatch(key, *re)) {
          pattern_matched = true;
          r->Merge(Sub(*schema, value, Context{&ctx, key}));
        }
      }
      if (pattern_matched) ++r->score;
      if (described || pattern_matched || !n.additional_properties.present) continue;
      if (n.additional_properties.schema != nullptr) {
        r->Merge(Sub(*n.additional_properties.schema, value, Context{&ctx, key}));
      } else if (!n.additional_properties.allowed) {
        r->Add(ctx, "additional_property_not_allowed",
               "Additional property " + key + " is not allowed");
      }
    }
    if (n.property_names != nullptr) {
      for (const auto& [key, value] : v.items()) {
        Result sub = Sub(*n.property_names, json(key), ctx);
        if (!sub.Valid()) {
          r->Add(ctx, "invalid_property_name",
                 "Property \"" + key + "\" does not match schema");
          r->Merge(sub);
        }
      }
    }
    ++r->score;
  }

  void String(const Node& n, const std::string& s, Result* r, const Context& ctx) const {
    const int64_t length = static_cast<int64_t>(Utf8Length(s));
    if (n.min_length && length < *n.min_length) {
      r->Add(ctx, "string_gte",
             fmt::format("String length must be greater than or equal to {}", *n.min_length));
    }
    if (n.max_length && length > *n.max_length) {
      r->Add(ctx, "string_lte",
             fmt::format("String length must be less than or equal to {}", *n.max_length));
    }
    if (n.pattern && !RE2::PartialMatch(s, *n.pattern)) {
      r->Add(ctx, "pattern", "Does not match pattern '" + n.pattern->pattern() + "'");
    }
    ++r->score;
  }

  void Number(const Node& n, const json& v, Result* r, const Context& ctx) const {
    if (n.multiple_of) {
      const double q = v.get<double>() / n.multiple_of->get<double>();
      if (!std::isfinite(q) || q != std::floor(q)) {
        r->Add(ctx, "multiple_of", "Must be a multiple of " + TemplateNumber(*n.multiple_of));
      }
    }
    if (n.maximum && CompareNumbers(v, *n.maximum) > 0) {
      r->Add(ctx, "number_lte", "Must be less than or equal to " + TemplateNumber(*n.maximum));
    }
    if (n.exclusive_maximum && CompareNumbers(v, *n.exclusive_maximum) >= 0) {
      r->Add(ctx, "number_lt", "Must be less than " + TemplateNumber(*n.exclusive_maximum));
    }
    if (n.minimum && CompareNumbers(v, *n.minimum) < 0) {
      r->Add(ctx, "number_gte", "Must be greater than or equal to " + TemplateNumber(*n.minimum));
    }
    if (n.exclusive_minimum && CompareNumbers(v, *n.exclusive_minimum) <= 0) {
      r->Add(ctx, "number_gt", "Must be greater than " + TemplateNumber(*n.exclusive_minimum));
    }
    ++r->score;
  }
};

class CompiledSchema final : public JsonSchema {
 public:
  CompiledSchema(std::vector<std::unique_ptr<Node>> nodes, const Node* root)
      : nodes_(std::move(nodes)), root_(root) {}

  std::vector<JsonSchemaError> Validate(const json& document) const override {
    Result r;
    Validator().Recursive(*root_, document, &r, Context{nullptr, "(root)"});
    return std::move(r.errors);
  }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  const Node* root_;
};

}  // namespace

StatusOr<std::shared_ptr<const JsonSchema>> CompileJsonSchema(const json& schema) {
  Compiler compiler(schema);
  GOV_ASSIGN_OR_RETURN(const Node* root, compiler.Compile(schema, ""));
  GOV_RETURN_IF_ERROR(compiler.ResolveRefs());
  return std::shared_ptr<const JsonSchema>(
      std::make_shared<CompiledSchema>(compiler.TakeNodes(), root));
}

}  // namespace governance::rego
