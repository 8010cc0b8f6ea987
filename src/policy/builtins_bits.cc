// Bitwise builtins (bits.*) on integers. OPA computes them on arbitrary
// precision integers; numbers here are int64 (see value.h), so a left shift
// past 64 bits gives the nearest double, as every other overflow does.
#include <algorithm>
#include <cmath>
#include <string>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// OPA's BigIntOperand: a number without a fractional part.
Status IntegerOperand(std::string_view fn, int pos, const Value& v, int64_t* out) {
  if (!v.is_number()) return OperandTypeError(fn, pos, "integer", v);
  if (!v.ToInt(out)) {
    return TypeError(fn, "operand " + std::to_string(pos) +
                             " must be integer number but got floating-point number");
  }
  return Status::Ok();
}

template <int64_t (*Op)(int64_t, int64_t)>
Status Binary(std::string_view fn, Operands a, Value* out) {
  int64_t x, y;
  GOV_RETURN_IF_ERROR(IntegerOperand(fn, 1, a[0], &x));
  GOV_RETURN_IF_ERROR(IntegerOperand(fn, 2, a[1], &y));
  *out = Value::Int(Op(x, y));
  return Status::Ok();
}

int64_t AndOp(int64_t x, int64_t y) { return x & y; }
int64_t OrOp(int64_t x, int64_t y) { return x | y; }
int64_t XorOp(int64_t x, int64_t y) { return x ^ y; }

Status BitsAnd(Ctx&, Operands a, Value* out) { return Binary<AndOp>("bits.and", a, out); }
Status BitsOr(Ctx&, Operands a, Value* out) { return Binary<OrOp>("bits.or", a, out); }
Status BitsXor(Ctx&, Operands a, Value* out) { return Binary<XorOp>("bits.xor", a, out); }

Status BitsNegate(Ctx&, Operands a, Value* out) {
  int64_t x;
  GOV_RETURN_IF_ERROR(IntegerOperand("bits.negate", 1, a[0], &x));
  *out = Value::Int(~x);
  return Status::Ok();
}

// The shift operand: a non-negative integer.
Status ShiftOperand(std::string_view fn, const Value& v, int64_t* out) {
  GOV_RETURN_IF_ERROR(IntegerOperand(fn, 2, v, out));
  if (*out < 0) {
    return TypeError(fn, "operand 2 must be an unsigned integer number but got a negative integer");
  }
  return Status::Ok();
}

Status BitsLsh(Ctx&, Operands a, Value* out) {
  int64_t x, s;
  GOV_RETURN_IF_ERROR(IntegerOperand("bits.lsh", 1, a[0], &x));
  GOV_RETURN_IF_ERROR(ShiftOperand("bits.lsh", a[1], &s));
  if (x == 0) {
    *out = Value::Int(0);
    return Status::Ok();
  }
  // Exact while the result fits: x << s == x * 2^s, sign included.
  if (s < 63) {
    int64_t r;
    if (!__builtin_mul_overflow(x, int64_t{1} << s, &r)) {
      *out = Value::Int(r);
      return Status::Ok();
    }
  }
  *out = Value::Double(std::ldexp(static_cast<double>(x), static_cast<int>(std::min<int64_t>(s, 4096))));
  return Status::Ok();
}

Status BitsRsh(Ctx&, Operands a, Value* out) {
  int64_t x, s;
  GOV_RETURN_IF_ERROR(IntegerOperand("bits.rsh", 1, a[0], &x));
  GOV_RETURN_IF_ERROR(ShiftOperand("bits.rsh", a[1], &s));
  // An arithmetic shift, rounding toward minus infinity like big.Int.Rsh.
  *out = Value::Int(s >= 63 ? (x < 0 ? -1 : 0) : (x >> s));
  return Status::Ok();
}

}  // namespace

void RegisterBitsBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"bits.and", 2, BitsAnd},
                          {"bits.or", 2, BitsOr},
                          {"bits.xor", 2, BitsXor},
                          {"bits.negate", 1, BitsNegate},
                          {"bits.lsh", 2, BitsLsh},
                          {"bits.rsh", 2, BitsRsh},
                      });
}

}  // namespace governance::rego
