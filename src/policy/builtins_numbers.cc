// Number builtins beyond arithmetic: numbers.range_step.
#include <cmath>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// OPA's BigIntOperand. An integer too large for int64 arrives here as a
// double (value.h); *huge is then set and *out is left at zero.
Status BigIntegerOperand(std::string_view fn, int pos, const Value& v, int64_t* out, bool* huge) {
  *huge = false;
  *out = 0;
  if (!v.is_number()) return OperandTypeError(fn, pos, "integer", v);
  if (v.ToInt(out)) return Status::Ok();
  double d = v.as_double();
  if (std::isfinite(d) && d == std::floor(d)) {
    *huge = true;
    return Status::Ok();
  }
  return TypeError(fn, fmt::format("operand {} must be integer number but got floating-point number",
                                   pos));
}

Status NumbersRangeStep(Ctx& ctx, Operands a, Value* out) {
  constexpr std::string_view kFn = "numbers.range_step";
  int64_t x, y, step;
  bool x_huge, y_huge, step_huge;
  GOV_RETURN_IF_ERROR(BigIntegerOperand(kFn, 1, a[0], &x, &x_huge));
  GOV_RETURN_IF_ERROR(BigIntegerOperand(kFn, 2, a[1], &y, &y_huge));
  GOV_RETURN_IF_ERROR(BigIntegerOperand(kFn, 3, a[2], &step, &step_huge));
  if (step_huge ? a[2].as_double() <= 0 : step <= 0) {
    return BuiltinError(kFn, "step must be a positive integer");
  }
  if (x_huge || y_huge) {
    return BuiltinError(kFn, "range bounds beyond 64-bit integers are not supported");
  }
  // Every value is in [min(x, y), max(x, y)]; the count is |y - x| / step + 1.
  const uint64_t span = x <= y ? static_cast<uint64_t>(y) - static_cast<uint64_t>(x)
                               : static_cast<uint64_t>(x) - static_cast<uint64_t>(y);
  const uint64_t count = step_huge ? 1 : span / static_cast<uint64_t>(step) + 1;
  if (count > ctx.max_collection_elements) {
    return ctx.Exhausted(kFn, fmt::format("a range of more than {} numbers",
                                          ctx.max_collection_elements));
  }
  ValueVector items;
  items.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t offset = i * static_cast<uint64_t>(step_huge ? 0 : step);
    items.push_back(Value::Int(x <= y ? static_cast<int64_t>(static_cast<uint64_t>(x) + offset)
                                      : static_cast<int64_t>(static_cast<uint64_t>(x) - offset)));
  }
  *out = Value::Array(std::move(items));
  return Status::Ok();
}

}  // namespace

void RegisterNumbersBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"numbers.range_step", 3, NumbersRangeStep},
                      });
}

}  // namespace governance::rego
