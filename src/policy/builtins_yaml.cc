// YAML builtins: yaml.marshal, yaml.unmarshal and yaml.is_valid.
//
// Documents are read by the project's YAML reader (core/document.h). OPA
// reads only the first document of a stream but still rejects a stream
// whose later documents are malformed, so the stream is first scanned here
// for its syntax and for where the first document ends. Output follows
// go-yaml v2, which OPA writes YAML with: libyaml's emitter (go-yaml is a
// port of it), keys in go-yaml's natural order, strings that would read
// back as another type double-quoted, multi-line strings as literals.
#include <yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "core/document.h"
#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// ---------------------------------------------------------------- reading

// The text of the stream's first document, once the whole stream has
// parsed; InvalidArgument with libyaml's complaint otherwise.
StatusOr<std::string_view> FirstDocument(std::string_view text) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  size_t first_end = text.size();
  bool seen_end = false;
  Status status = Status::Ok();
  for (;;) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) {
      std::string what = parser.problem != nullptr ? parser.problem : "malformed document";
      if (parser.context != nullptr) what = std::string(parser.context) + ", " + what;
      status = InvalidArgumentError(fmt::format("yaml: line {}: {}", parser.problem_mark.line + 1,
                                                what));
      break;
    }
    const yaml_event_type_t type = event.type;
    if (type == YAML_DOCUMENT_END_EVENT && !seen_end) {
      seen_end = true;
      first_end = event.end_mark.index;
    }
    yaml_event_delete(&event);
    if (type == YAML_STREAM_END_EVENT) break;
  }
  yaml_parser_delete(&parser);
  if (!status.ok()) return status;
  return text.substr(0, std::min(first_end, text.size()));
}

StatusOr<Value> ParseYamlValue(std::string_view text) {
  GOV_ASSIGN_OR_RETURN(std::string_view first, FirstDocument(text));
  GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseYaml(first, "yaml"));
  return Value::FromJson(doc);
}

Status YamlUnmarshal(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("yaml.unmarshal", 1, "string", a[0]);
  StatusOr<Value> v = ParseYamlValue(a[0].str());
  if (!v.ok()) return BuiltinError("yaml.unmarshal", v.status().message());
  *out = std::move(*v);
  return Status::Ok();
}

Status YamlIsValid(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(a[0].is_string() && ParseYamlValue(a[0].str()).ok());
  return Status::Ok();
}

// ---------------------------------------------------------------- writing

// go-yaml's key order: runs of digits compare as numbers, letters after
// other characters.
bool NaturalLess(const std::string& a_text, const std::string& b_text) {
  const std::vector<uint32_t> a = Utf8Decode(a_text);
  const std::vector<uint32_t> b = Utf8Decode(b_text);
  auto is_letter = [](uint32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  };
  auto is_digit = [](uint32_t c) { return c >= '0' && c <= '9'; };
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    const bool al = is_letter(a[i]);
    const bool bl = is_letter(b[i]);
    if (al && bl) return a[i] < b[i];
    if (al || bl) return bl;
    int64_t an = 0, bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && is_digit(a[j]);) {
        if (a[j] != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < a.size() && is_digit(a[ai]); ++ai) an = an * 10 + (a[ai] - '0');
    for (; bi < b.size() && is_digit(b[bi]); ++bi) bn = bn * 10 + (b[bi] - '0');
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

// Whether go-yaml would read the plain scalar `s` as something other than a
// string (YAML 1.1: yes/no/on/off booleans, ~ and null, numbers in
// decimal, hex, octal or binary with _ separators, .inf/.nan, 1:20 base 60).
bool ResolvesToNonString(const std::string& s) {
  static const char* const kWords[] = {
      "",      "~",     "null",  "Null", "NULL", "y",    "Y",     "yes",  "Yes",  "YES",
      "n",     "N",     "no",    "No",   "NO",   "true", "True",  "TRUE", "false", "False",
      "FALSE", "on",    "On",    "ON",   "off",  "Off",  "OFF",   ".inf", ".Inf", ".INF",
      "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", "<<"};
  for (const char* w : kWords) {
    if (s == w) return true;
  }
  std::string plain;
  for (char c : s) {
    if (c != '_') plain.push_back(c);
  }
  if (plain.empty()) return false;
  const char c0 = plain[0];
  if (!(std::isdigit(static_cast<unsigned char>(c0)) || c0 == '-' || c0 == '+' || c0 == '.')) {
    return false;
  }
  std::string_view body = plain;
  if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
  auto all_of = [](std::string_view t, auto pred) {
    return !t.empty() && std::all_of(t.begin(), t.end(), pred);
  };
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    return all_of(body.substr(2), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  }
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
    return all_of(body.substr(2), [](char c) { return c == '0' || c == '1'; });
  }
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
    return all_of(body.substr(2), [](char c) { return c >= '0' && c <= '7'; });
  }
  // Base 60 ("1:20", "190:20:30.15"), which go-yaml quotes to be safe.
  if (body.find(':') != std::string_view::npos) {
    return all_of(body, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }) &&
           std::isdigit(static_cast<unsigned char>(body[0]));
  }
  char* end = nullptr;
  const std::string number(body);
  std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return false;
  // strtod also takes "inf", "nan" and hex floats, which YAML does not.
  return all_of(body, [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' ||
           c == '-' || c == '+';
  });
}

class Emitter {
 public:
  Emitter() {
    yaml_emitter_initialize(&emitter_);
    yaml_emitter_set_output(&emitter_, &Emitter::Write, &out_);
    yaml_emitter_set_unicode(&emitter_, 1);
  }
  ~Emitter() { yaml_emitter_delete(&emitter_); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  StatusOr<std::string> Document(const nlohmann::json& v) {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    GOV_RETURN_IF_ERROR(Emit(&e));
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1);
    GOV_RETURN_IF_ERROR(Emit(&e));
    GOV_RETURN_IF_ERROR(Node(v));
    yaml_document_end_event_initialize(&e, 1);
    GOV_RETURN_IF_ERROR(Emit(&e));
    yaml_stream_end_event_initialize(&e);
    GOV_RETURN_IF_ERROR(Emit(&e));
    return std::move(out_);
  }

 private:
  static int Write(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<char*>(buffer), size);
    return 1;
  }

  Status Emit(yaml_event_t* e) {
    if (yaml_emitter_emit(&emitter_, e) == 0) {
      return InvalidArgumentError(emitter_.problem != nullptr ? emitter_.problem
                                                              : "cannot write YAML");
    }
    return Status::Ok();
  }

  Status Scalar(const std::string& text, yaml_scalar_style_t style) {
    yaml_event_t e;
    yaml_scalar_event_initialize(&e, nullptr, nullptr,
                                 reinterpret_cast<const unsigned char*>(text.data()),
                                 static_cast<int>(text.size()), 1, 1, style);
    return Emit(&e);
  }

  Status Node(const nlohmann::json& v) {
    yaml_event_t e;
    switch (v.type()) {
      case nlohmann::json::value_t::object: {
        yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1,
                                            v.empty() ? YAML_FLOW_MAPPING_STYLE
                                                      : YAML_BLOCK_MAPPING_STYLE);
        GOV_RETURN_IF_ERROR(Emit(&e));
        std::vector<const std::string*> keys;
        for (const auto& [k, unused] : v.items()) keys.push_back(&k);
        std::stable_sort(keys.begin(), keys.end(),
                         [](const std::string* x, const std::string* y) { return NaturalLess(*x, *y); });
        for (const std::string* k : keys) {
          GOV_RETURN_IF_ERROR(String(*k));
          GOV_RETURN_IF_ERROR(Node(v.at(*k)));
        }
        yaml_mapping_end_event_initialize(&e);
        return Emit(&e);
      }
      case nlohmann::json::value_t::array: {
        yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1,
                                             v.empty() ? YAML_FLOW_SEQUENCE_STYLE
                                                       : YAML_BLOCK_SEQUENCE_STYLE);
        GOV_RETURN_IF_ERROR(Emit(&e));
        for (const auto& item : v) GOV_RETURN_IF_ERROR(Node(item));
        yaml_sequence_end_event_initialize(&e);
        return Emit(&e);
      }
      case nlohmann::json::value_t::string:
        return String(v.get_ref<const std::string&>());
      case nlohmann::json::value_t::null:
        return Scalar("null", YAML_PLAIN_SCALAR_STYLE);
      case nlohmann::json::value_t::boolean:
        return Scalar(v.get<bool>() ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
      default:
        return Scalar(Number(v), YAML_PLAIN_SCALAR_STYLE);
    }
  }

  Status String(const std::string& s) {
    if (s.find('\n') != std::string::npos) return Scalar(s, YAML_LITERAL_SCALAR_STYLE);
    if (ResolvesToNonString(s)) return Scalar(s, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    return Scalar(s, YAML_PLAIN_SCALAR_STYLE);
  }

  // go-yaml writes integers plainly and floats with %g's shortest digits
  // (1e+21, 0.5), infinities as .inf.
  static std::string Number(const nlohmann::json& v) {
    if (v.is_number_integer()) return v.dump();
    const double d = v.get<double>();
    if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
    if (std::isnan(d)) return ".nan";
    if (d == std::floor(d) && std::fabs(d) < 1e21) {
      // go-yaml reads the JSON text "5.0" as the integer 5 only if it has
      // no fraction; an integral float prints without one either way.
      const std::string text = FormatNumber(Value::Double(d));
      if (text.find_first_of("eE") == std::string::npos) return text;
    }
    for (int prec = 1; prec <= 17; ++prec) {
      std::string text = fmt::format("{:.{}g}", d, prec);
      if (std::strtod(text.c_str(), nullptr) == d) return text;
    }
    return fmt::format("{}", d);
  }

  yaml_emitter_t emitter_;
  std::string out_;
};

Status YamlMarshal(Ctx&, Operands a, Value* out) {
  Emitter emitter;
  StatusOr<std::string> text = emitter.Document(a[0].ToJson());
  if (!text.ok()) return BuiltinError("yaml.marshal", text.status().message());
  *out = Value::String(std::move(*text));
  return Status::Ok();
}

}  // namespace

void RegisterYamlBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"yaml.marshal", 1, YamlMarshal},
                          {"yaml.unmarshal", 1, YamlUnmarshal},
                          {"yaml.is_valid", 1, YamlIsValid},
                      });
}

}  // namespace governance::rego
