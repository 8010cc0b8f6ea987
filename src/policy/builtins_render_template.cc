// strings.render_template: the part of Go's text/template that a template
// over plain data can use, as OPA renders it (the variables object converted
// to Go maps, slices, strings, numbers and booleans):
//   {{.a.b}} {{.}} {{$}} {{$x.a}} {{"lit"}} {{1}} {{true}}   print a value
//   {{if P}}..{{else if Q}}..{{else}}..{{end}}               conditionals
//   {{range P}}, {{range $v := P}}, {{range $i, $v := P}} .. {{else}} .. {{end}}
//   {{with P}}..{{else}}..{{end}}, {{$x := P}}, {{/* comment */}}
//   {{- and -}} trim the white space next to the action.
// Template functions (printf, len, eq, ...) are not supported and say so.
// A key missing from an object prints as "<undefined>", as in OPA.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

constexpr std::string_view kFn = "strings.render_template";

// An operand of an action: what it names and how to read it.
struct Operand {
  enum class Kind { kDot, kField, kVariable, kString, kNumber, kBool, kNil };
  Kind kind = Kind::kDot;
  std::string variable;             // kVariable: "$" or "$name"
  std::vector<std::string> fields;  // field chain after the dot or variable
  Value literal;                    // kString, kNumber, kBool
};

struct Pipeline {
  std::vector<std::string> declared;  // variables declared with :=
  Operand operand;
};

struct Node {
  enum class Kind { kText, kPrint, kIf, kRange, kWith, kDeclare };
  Kind kind;
  std::string text;
  Pipeline pipe;
  std::vector<std::unique_ptr<Node>> body, otherwise;
};

using NodeList = std::vector<std::unique_ptr<Node>>;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class TemplateParser {
 public:
  explicit TemplateParser(std::string_view src) : src_(src) {}

  Status Parse(NodeList* out) {
    std::string terminator;
    GOV_RETURN_IF_ERROR(List(out, &terminator));
    if (!terminator.empty()) return Error("unexpected {{" + terminator + "}}");
    return Status::Ok();
  }

 private:
  Status Error(const std::string& message) {
    return BuiltinError(kFn, fmt::format("template: {}", message));
  }

  // Parses nodes up to the end of input or an {{end}} / {{else ...}} action,
  // whose words are returned in *terminator ("" at the end of input).
  Status List(NodeList* out, std::string* terminator) {
    while (pos_ < src_.size()) {
      size_t open = src_.find("{{", pos_);
      std::string text(src_.substr(pos_, open == std::string_view::npos ? open : open - pos_));
      if (open == std::string_view::npos) {
        pos_ = src_.size();
        AddText(out, std::move(text));
        break;
      }
      size_t inner = open + 2;
      if (inner + 1 < src_.size() && src_[inner] == '-' && IsSpace(src_[inner + 1])) {
        while (!text.empty() && IsSpace(text.back())) text.pop_back();
        inner += 2;
      }
      AddText(out, std::move(text));
      size_t close = src_.find("}}", inner);
      if (close == std::string_view::npos) return Error("unclosed action");
      size_t inner_end = close;
      bool trim_after = false;
      if (close >= inner + 2 && src_[close - 1] == '-' && IsSpace(src_[close - 2])) {
        inner_end = close - 2;
        trim_after = true;
      }
      pos_ = close + 2;
      if (trim_after) {
        while (pos_ < src_.size() && IsSpace(src_[pos_])) ++pos_;
      }
      std::string_view action = src_.substr(inner, inner_end - inner);
      while (!action.empty() && IsSpace(action.front())) action.remove_prefix(1);
      while (!action.empty() && IsSpace(action.back())) action.remove_suffix(1);
      if (action.starts_with("/*")) {
        if (!action.ends_with("*/")) return Error("unclosed comment");
        continue;
      }
      std::vector<std::string> words;
      GOV_RETURN_IF_ERROR(Words(action, &words));
      if (words.empty()) return Error("missing value for command");
      const std::string& head = words[0];
      if (head == "end" || head == "else") {
        *terminator = action;
        return Status::Ok();
      }
      auto node = std::make_unique<Node>();
      if (head == "if" || head == "range" || head == "with") {
        node->kind = head == "if" ? Node::Kind::kIf
                                  : head == "range" ? Node::Kind::kRange : Node::Kind::kWith;
        GOV_RETURN_IF_ERROR(ParsePipeline(words, 1, node->kind == Node::Kind::kRange, &node->pipe));
        GOV_RETURN_IF_ERROR(Branches(node.get()));
      } else {
        GOV_RETURN_IF_ERROR(ParsePipeline(words, 0, false, &node->pipe));
        node->kind = node->pipe.declared.empty() ? Node::Kind::kPrint : Node::Kind::kDeclare;
      }
      out->push_back(std::move(node));
    }
    terminator->clear();
    return Status::Ok();
  }

  // The body of an if/range/with and its {{else}} part, through {{end}}.
  Status Branches(Node* node) {
    std::string terminator;
    GOV_RETURN_IF_ERROR(List(&node->body, &terminator));
    if (terminator.empty()) return Error("unexpected EOF");
    if (terminator == "end") return Status::Ok();
    std::string_view rest = std::string_view(terminator).substr(4);
    while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
    if (rest.empty()) {
      GOV_RETURN_IF_ERROR(List(&node->otherwise, &terminator));
      if (terminator != "end") return Error("expected end; found " + terminator);
      return Status::Ok();
    }
    // {{else if P}} / {{else with P}}: a nested node ending at the same {{end}}.
    std::vector<std::string> words;
    GOV_RETURN_IF_ERROR(Words(rest, &words));
    if (words[0] != "if" && words[0] != "with") return Error("unexpected " + std::string(rest));
    auto nested = std::make_unique<Node>();
    nested->kind = words[0] == "if" ? Node::Kind::kIf : Node::Kind::kWith;
    GOV_RETURN_IF_ERROR(ParsePipeline(words, 1, false, &nested->pipe));
    GOV_RETURN_IF_ERROR(Branches(nested.get()));
    node->otherwise.push_back(std::move(nested));
    return Status::Ok();
  }

  // Splits an action into words: quoted strings stay whole, ":=" and ","
  // are words of their own.
  Status Words(std::string_view s, std::vector<std::string>* words) {
    size_t i = 0;
    while (i < s.size()) {
      char c = s[i];
      if (IsSpace(c)) {
        ++i;
      } else if (c == '"' || c == '`') {
        size_t j = i + 1;
        while (j < s.size() && s[j] != c) j += (c == '"' && s[j] == '\\') ? 2 : 1;
        if (j >= s.size()) return Error("unterminated quoted string");
        words->emplace_back(s.substr(i, j + 1 - i));
        i = j + 1;
      } else if (c == ',') {
        words->emplace_back(",");
        ++i;
      } else if (c == ':' && i + 1 < s.size() && s[i + 1] == '=') {
        words->emplace_back(":=");
        i += 2;
      } else {
        size_t j = i;
        while (j < s.size() && !IsSpace(s[j]) && s[j] != ',' && s[j] != '"' &&
               !(s[j] == ':' && j + 1 < s.size() && s[j + 1] == '=')) {
          ++j;
        }
        words->emplace_back(s.substr(i, j - i));
        i = j;
      }
    }
    return Status::Ok();
  }

  Status ParsePipeline(const std::vector<std::string>& words, size_t first, bool allow_two,
                       Pipeline* pipe) {
    size_t i = first;
    // [$a [, $b] :=] operand
    size_t decl = std::find(words.begin() + static_cast<long>(first), words.end(), ":=") -
                  words.begin();
    if (decl < words.size()) {
      for (size_t k = first; k < decl; ++k) {
        if (words[k] == ",") continue;
        if (words[k].empty() || words[k][0] != '$') return Error("unexpected " + words[k]);
        pipe->declared.push_back(words[k]);
      }
      if (pipe->declared.empty() || pipe->declared.size() > (allow_two ? 2u : 1u)) {
        return Error("too many declarations");
      }
      i = decl + 1;
    }
    if (i >= words.size()) return Error("missing value for command");
    if (i + 1 < words.size()) {
      // A word after the operand: a function call or a pipe, neither supported.
      return Error(fmt::format("function {} not defined", QuoteString(words[i])));
    }
    return ParseOperand(words[i], &pipe->operand);
  }

  Status ParseOperand(const std::string& w, Operand* op) {
    auto split_fields = [](std::string_view s, std::vector<std::string>* fields) {
      while (!s.empty()) {
        s.remove_prefix(1);  // '.'
        size_t dot = s.find('.');
        fields->emplace_back(s.substr(0, dot));
        s = dot == std::string_view::npos ? std::string_view() : s.substr(dot);
      }
    };
    if (w == ".") {
      op->kind = Operand::Kind::kDot;
    } else if (w[0] == '.') {
      op->kind = Operand::Kind::kField;
      split_fields(w, &op->fields);
    } else if (w[0] == '$') {
      op->kind = Operand::Kind::kVariable;
      size_t dot = w.find('.');
      op->variable = w.substr(0, dot);
      if (dot != std::string::npos) split_fields(std::string_view(w).substr(dot), &op->fields);
    } else if (w[0] == '"') {
      op->kind = Operand::Kind::kString;
      std::string s;
      for (size_t i = 1; i + 1 < w.size(); ++i) {
        if (w[i] == '\\' && i + 2 < w.size()) {
          char e = w[++i];
          s.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        } else {
          s.push_back(w[i]);
        }
      }
      op->literal = Value::String(std::move(s));
    } else if (w[0] == '`') {
      op->kind = Operand::Kind::kString;
      op->literal = Value::String(w.substr(1, w.size() - 2));
    } else if (w == "true" || w == "false") {
      op->kind = Operand::Kind::kBool;
      op->literal = Value::Bool(w == "true");
    } else if (w == "nil") {
      op->kind = Operand::Kind::kNil;
    } else if ((w[0] >= '0' && w[0] <= '9') || w[0] == '-' || w[0] == '+') {
      char* end = nullptr;
      long long i = std::strtoll(w.c_str(), &end, 10);
      op->kind = Operand::Kind::kNumber;
      if (*end == '\0') {
        op->literal = Value::Int(i);
      } else {
        double d = std::strtod(w.c_str(), &end);
        if (*end != '\0') return Error("bad number syntax: " + QuoteString(w));
        op->literal = Value::Double(d);
      }
    } else {
      return Error(fmt::format("function {} not defined", QuoteString(w)));
    }
    return Status::Ok();
  }

  static void AddText(NodeList* out, std::string text) {
    if (text.empty()) return;
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kText;
    node->text = std::move(text);
    out->push_back(std::move(node));
  }

  std::string_view src_;
  size_t pos_ = 0;
};

// A value during execution: a document, or the "missing" of a key that is
// not there (printed as <undefined>, false as a condition).
struct Datum {
  Value value;
  bool missing = false;
};

class TemplateRunner {
 public:
  TemplateRunner(Ctx& ctx, const Value& root) : ctx_(ctx) { vars_.push_back({"$", {root}}); }

  Status Run(const NodeList& nodes, const Datum& dot, std::string* out) {
    size_t scope = vars_.size();
    for (const auto& n : nodes) {
      switch (n->kind) {
        case Node::Kind::kText:
          out->append(n->text);
          break;
        case Node::Kind::kPrint: {
          Datum d;
          GOV_RETURN_IF_ERROR(Eval(n->pipe.operand, dot, &d));
          Print(d, out);
          break;
        }
        case Node::Kind::kDeclare: {
          Datum d;
          GOV_RETURN_IF_ERROR(Eval(n->pipe.operand, dot, &d));
          vars_.push_back({n->pipe.declared[0], d});
          break;
        }
        case Node::Kind::kIf:
        case Node::Kind::kWith: {
          Datum d;
          GOV_RETURN_IF_ERROR(Eval(n->pipe.operand, dot, &d));
          size_t inner = vars_.size();
          if (!n->pipe.declared.empty()) vars_.push_back({n->pipe.declared[0], d});
          bool with = n->kind == Node::Kind::kWith;
          if (Truth(d)) {
            GOV_RETURN_IF_ERROR(Run(n->body, with ? d : dot, out));
          } else {
            GOV_RETURN_IF_ERROR(Run(n->otherwise, dot, out));
          }
          vars_.resize(inner);
          break;
        }
        case Node::Kind::kRange:
          GOV_RETURN_IF_ERROR(Range(*n, dot, out));
          break;
      }
      if (out->size() > ctx_.max_string_bytes) {
        return ctx_.Exhausted(kFn, fmt::format("a string of more than {} bytes",
                                               ctx_.max_string_bytes));
      }
    }
    vars_.resize(scope);
    return Status::Ok();
  }

 private:
  Status Range(const Node& n, const Datum& dot, std::string* out) {
    Datum d;
    GOV_RETURN_IF_ERROR(Eval(n.pipe.operand, dot, &d));
    std::vector<std::pair<Value, Value>> items;  // (index or key, element)
    if (!d.missing && (d.value.is_array() || d.value.is_set())) {
      int64_t i = 0;
      for (const Value& e : d.value.items()) items.emplace_back(Value::Int(i++), e);
    } else if (!d.missing && d.value.is_object()) {
      for (const auto& [k, v] : d.value.entries()) items.emplace_back(k, v);
    } else if (!d.missing && !d.value.is_null()) {
      return BuiltinError(kFn, fmt::format("template: range can't iterate over {}",
                                           d.value.ToDisplayString()));
    }
    if (items.empty()) return Run(n.otherwise, dot, out);
    for (const auto& [key, elem] : items) {
      size_t scope = vars_.size();
      if (n.pipe.declared.size() == 1) vars_.push_back({n.pipe.declared[0], {elem}});
      if (n.pipe.declared.size() == 2) {
        vars_.push_back({n.pipe.declared[0], {key}});
        vars_.push_back({n.pipe.declared[1], {elem}});
      }
      Status s = Run(n.body, {elem}, out);
      vars_.resize(scope);
      GOV_RETURN_IF_ERROR(s);
    }
    return Status::Ok();
  }

  Status Eval(const Operand& op, const Datum& dot, Datum* out) {
    switch (op.kind) {
      case Operand::Kind::kDot:
        *out = dot;
        return Status::Ok();
      case Operand::Kind::kString:
      case Operand::Kind::kNumber:
      case Operand::Kind::kBool:
        *out = {op.literal};
        return Status::Ok();
      case Operand::Kind::kNil:
        return BuiltinError(kFn, "template: nil is not a command");
      case Operand::Kind::kField:
        *out = dot;
        break;
      case Operand::Kind::kVariable: {
        auto it = std::find_if(vars_.rbegin(), vars_.rend(),
                               [&](const auto& v) { return v.first == op.variable; });
        if (it == vars_.rend()) {
          return BuiltinError(kFn, fmt::format("template: undefined variable {}", op.variable));
        }
        *out = it->second;
        break;
      }
    }
    for (const std::string& f : op.fields) {
      if (out->missing || out->value.is_null()) {
        // Go yields "no value" for a field of a missing map entry.
        *out = {Value(), true};
        continue;
      }
      if (!out->value.is_object()) {
        return BuiltinError(kFn, fmt::format("template: can't evaluate field {} in type {}", f,
                                             out->value.TypeName()));
      }
      const Value* v = out->value.FindString(f);
      *out = v == nullptr ? Datum{Value(), true} : Datum{*v};
    }
    return Status::Ok();
  }

  static bool Truth(const Datum& d) {
    if (d.missing) return false;
    const Value& v = d.value;
    if (v.is_null()) return false;
    if (v.is_bool()) return v.as_bool();
    if (v.is_number()) return v.as_double() != 0;
    if (v.is_string()) return !v.str().empty();
    return v.size() > 0;
  }

  // Go's %v of the value OPA hands the template.
  static void Format(const Value& v, std::string* out) {
    if (v.is_string()) {
      out->append(v.str());
    } else if (v.is_null()) {
      out->append("<nil>");
    } else if (v.is_array() || v.is_set()) {
      out->push_back('[');
      bool first = true;
      for (const Value& e : v.items()) {
        if (!first) out->push_back(' ');
        first = false;
        Format(e, out);
      }
      out->push_back(']');
    } else if (v.is_object()) {
      out->append("map[");
      bool first = true;
      for (const auto& [k, e] : v.entries()) {
        if (!first) out->push_back(' ');
        first = false;
        Format(k, out);
        out->push_back(':');
        Format(e, out);
      }
      out->push_back(']');
    } else {
      out->append(v.ToDisplayString());
    }
  }

  static void Print(const Datum& d, std::string* out) {
    if (d.missing) {
      out->append("<undefined>");
      return;
    }
    Format(d.value, out);
  }

  Ctx& ctx_;
  std::vector<std::pair<std::string, Datum>> vars_;
};

Status RenderTemplate(Ctx& ctx, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  if (!a[1].is_object()) return OperandTypeError(kFn, 2, "object", a[1]);
  NodeList nodes;
  GOV_RETURN_IF_ERROR(TemplateParser(a[0].str()).Parse(&nodes));
  std::string rendered;
  GOV_RETURN_IF_ERROR(TemplateRunner(ctx, a[1]).Run(nodes, {a[1]}, &rendered));
  *out = Value::String(std::move(rendered));
  return Status::Ok();
}

}  // namespace

void RegisterRenderTemplateBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"strings.render_template", 2, RenderTemplate},
                      });
}

}  // namespace governance::rego
