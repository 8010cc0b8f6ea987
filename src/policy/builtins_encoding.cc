// JSON and base64 encoding builtins, and print.
#include <fmt/format.h>

#include "core/document.h"
#include "core/encoding.h"
#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

Status JsonMarshal(Ctx&, Operands a, Value* out) {
  *out = Value::String(a[0].ToJson().dump());
  return Status::Ok();
}

Status JsonUnmarshal(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("json.unmarshal", 1, "string", a[0]);
  auto j = ParseJson(a[0].str(), "json.unmarshal", DuplicateKeys::kLastWins);
  if (!j.ok()) return BuiltinError("json.unmarshal", j.status().message());
  *out = Value::FromJson(*j);
  return Status::Ok();
}

Status JsonIsValid(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(a[0].is_string() &&
                     ParseJson(a[0].str(), "json.is_valid", DuplicateKeys::kLastWins).ok());
  return Status::Ok();
}

Status Base64Enc(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64.encode", 1, "string", a[0]);
  *out = Value::String(Base64Encode(a[0].str()));
  return Status::Ok();
}

Status Base64Dec(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64.decode", 1, "string", a[0]);
  StatusOr<std::string> s = Base64Decode(a[0].str());
  if (!s.ok()) return BuiltinError("base64.decode", "illegal base64 data");
  *out = Value::String(std::move(*s));
  return Status::Ok();
}

Status Print(Ctx& ctx, Operands a, Value* out) {
  *out = Value::True();
  if (ctx.print == nullptr || !*ctx.print) return Status::Ok();
  std::string line;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) line += ' ';
    line += a[i].ToDisplayString();
  }
  (*ctx.print)(line);
  return Status::Ok();
}

}  // namespace

void RegisterEncodingBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"json.marshal", 1, JsonMarshal},
                          {"json.unmarshal", 1, JsonUnmarshal},
                          {"json.is_valid", 1, JsonIsValid},
                          {"base64.encode", 1, Base64Enc},
                          {"base64.decode", 1, Base64Dec},
                          {"print", -1, Print},
                      });
}

}  // namespace governance::rego
