// internal.template_string: the builtin a template string $"a{x}b" compiles
// to (policy/parser.cc lowers it to internal.template_string(["a", {x}, "b"])).
//
// Each part is a string written as it is, a scalar written as Rego text, or
// the set of values of one template expression: an empty set is an undefined
// expression and writes "<undefined>"; a set of one value writes that value
// (a string as it is, anything else as Rego text, as print does). A set of
// more values would make the template produce several strings, which OPA
// refuses with eval_conflict_error.
#include <string>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

constexpr std::string_view kName = "internal.template_string";

void AppendText(const Value& v, std::string* out) {
  if (v.is_string()) {
    *out += v.str();
  } else {
    *out += v.ToString();
  }
}

Status TemplateString(BuiltinContext& ctx, Operands a, Value* out) {
  if (!a[0].is_array()) return OperandTypeError(kName, 1, "array", a[0]);
  std::string text;
  for (const Value& part : a[0].items()) {
    switch (part.kind()) {
      case Value::Kind::kString:
      case Value::Kind::kNumber:
      case Value::Kind::kBool:
      case Value::Kind::kNull:
        AppendText(part, &text);
        break;
      case Value::Kind::kSet:
        if (part.size() == 0) {
          text += "<undefined>";
        } else if (part.size() == 1) {
          AppendText(part.items()[0], &text);
        } else {
          // OPA halts here whatever the strictness: the evaluator makes a
          // builtin error fatal outside strict mode only when the budget
          // flag is set, so the conflict sets it (see the report: a
          // dedicated halt flag belongs in BuiltinContext).
          ctx.abort_evaluation = true;
          return InvalidArgumentError(
              "eval_conflict_error: template-strings must not produce multiple outputs");
        }
        break;
      default:
        return BuiltinError(kName, "illegal argument type: " + std::string(part.TypeName()));
    }
    if (text.size() > ctx.max_string_bytes) {
      return ctx.Exhausted(kName, "template string exceeds the string size limit");
    }
  }
  *out = Value::String(std::move(text));
  return Status::Ok();
}

}  // namespace

void RegisterTemplateBuiltins(std::vector<Builtin>* table) {
  table->push_back({kName, 1, TemplateString});
}

}  // namespace governance::rego
