#include "policy/builtins_walk.h"

namespace governance::rego {
namespace {

constexpr std::string_view kWalk = "walk";

class Walker {
 public:
  Walker(BuiltinContext& ctx, ValueVector* pairs) : ctx_(ctx), pairs_(pairs) {}

  // Appends [path, v] and the pairs below v; false when the budget is spent.
  bool Visit(const Value& v) {
    if (pairs_->size() >= ctx_.max_collection_elements) return false;
    ValueVector pair;
    pair.reserve(2);
    pair.push_back(Value::Array(path_));
    pair.push_back(v);
    pairs_->push_back(Value::Array(std::move(pair)));
    switch (v.kind()) {
      case Value::Kind::kArray: {
        const ValueVector& items = v.items();
        for (size_t i = 0; i < items.size(); ++i) {
          if (!Below(Value::Int(static_cast<int64_t>(i)), items[i])) return false;
        }
        return true;
      }
      case Value::Kind::kSet:
        for (const Value& item : v.items()) {
          if (!Below(item, item)) return false;
        }
        return true;
      case Value::Kind::kObject:
        for (const auto& [key, val] : v.entries()) {
          if (!Below(key, val)) return false;
        }
        return true;
      default:
        return true;
    }
  }

 private:
  bool Below(const Value& key, const Value& v) {
    path_.push_back(key);
    bool r = Visit(v);
    path_.pop_back();
    return r;
  }

  BuiltinContext& ctx_;
  ValueVector* pairs_;
  ValueVector path_;
};

Status Walk(BuiltinContext& ctx, Operands a, Value* out) {
  ValueVector pairs;
  if (!Walker(ctx, &pairs).Visit(a[0])) {
    return ctx.Exhausted(kWalk, "walk produced too many paths");
  }
  *out = Value::Array(std::move(pairs));
  return Status::Ok();
}

}  // namespace

bool IsRelation(const Builtin& builtin) { return builtin.name == kWalk; }

void RegisterWalkBuiltins(std::vector<Builtin>* table) {
  table->push_back({kWalk, 1, Walk});
}

}  // namespace governance::rego
