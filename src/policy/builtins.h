// Built-in functions: the registry and the calling convention.
//
// A builtin receives its evaluated operands and writes its result to `*out`.
// Leaving `*out` undefined makes the call undefined. A failing builtin returns
// a Status made by TypeError / OperandTypeError (OPA's eval_type_error) or
// BuiltinError (eval_builtin_error); the evaluator turns it into an error
// only in strict mode and into "undefined" otherwise, as OPA does.
//
// The set of builtins is fixed at start-up and read-only afterwards, so
// LookupBuiltin is safe to call from any thread.
#ifndef GOVERNANCE_SRC_POLICY_BUILTINS_H_
#define GOVERNANCE_SRC_POLICY_BUILTINS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"
#include "policy/value.h"

namespace governance::rego {

struct BuiltinContext {
  // time.now_ns: fixed for one evaluation so every call agrees.
  int64_t now_ns = 0;
  // Receives each print() line; null drops them.
  const std::function<void(const std::string&)>* print = nullptr;
  // The most elements a builtin may build into one collection.
  size_t max_collection_elements = 10'000'000;
  // The longest string a builtin may build.
  size_t max_string_bytes = 256 << 20;
  // conftest's parse_config_file and parse_combined_config_files may read
  // the evaluating host's files (EvalOptions::read_host_files).
  bool read_host_files = false;
  // Set by Exhausted() and Refuse(): the error ends the evaluation even
  // where builtin errors are not errors.
  bool abort_evaluation = false;

  // The evaluation's budget is spent.
  Status Exhausted(std::string_view fn, std::string_view what) {
    abort_evaluation = true;
    return Status(StatusCode::kOutOfRange,
                  std::string(fn) + ": rego_budget_error: " + std::string(what));
  }
  // The builtin may not run in this evaluation: never undefined, which a
  // `not` could turn into an allow.
  Status Refuse(std::string_view fn, std::string_view why) {
    abort_evaluation = true;
    return Status(StatusCode::kPermissionDenied, std::string(fn) + ": " + std::string(why));
  }
};

// A builtin's operands, as views of values that outlive the call: the
// evaluator passes what it already holds (a term's literal, a variable's
// binding, a rule's cached value) without copying it or touching its
// reference count.
class Operands {
 public:
  Operands(const Value* const* values, size_t n) : values_(values), n_(n) {}
  const Value& operator[](size_t i) const { return *values_[i]; }
  size_t size() const { return n_; }

 private:
  const Value* const* values_;
  size_t n_;
};

using BuiltinFn = Status (*)(BuiltinContext& ctx, Operands args, Value* out);

struct Builtin {
  std::string_view name;
  int arity;  // number of operands; -1 for variadic (print)
  BuiltinFn fn;
};

// The builtin called `name` ("count", "time.now_ns"), or null.
const Builtin* LookupBuiltin(std::string_view name);

// Why OPA's builtin `name` is not available in mgov ("it reaches the
// network", ...), or "" when it is not one of those. Such a call is a compile
// error that says so, never an undefined result.
std::string_view UnsupportedBuiltinReason(std::string_view name);

// Every registered builtin, sorted by name.
std::vector<const Builtin*> AllBuiltins();

// Whether a builtin error on this thread needs its message. Outside strict
// mode an error only makes the call undefined and the evaluator drops the
// Status, so it clears this around each call and the helpers below skip
// formatting a message nobody reads (trim_space of an array, in the default
// bundle's is_empty, is one per evaluation). True unless cleared.
extern constinit thread_local bool builtin_error_messages;

// "eval_type_error: <fn>: <message>".
Status TypeError(std::string_view fn, std::string_view message);
// "eval_type_error: <fn>: operand <pos> must be <want> but got <got's type>".
Status OperandTypeError(std::string_view fn, int pos, std::string_view want, const Value& got);
// "eval_builtin_error: <fn>: <message>".
Status BuiltinError(std::string_view fn, std::string_view message);

// Registration hooks, one per builtin family (builtins_*.cc).
void RegisterCoreBuiltins(std::vector<Builtin>* table);
void RegisterStringBuiltins(std::vector<Builtin>* table);
void RegisterTimeBuiltins(std::vector<Builtin>* table);
void RegisterEncodingBuiltins(std::vector<Builtin>* table);
void RegisterCryptoBuiltins(std::vector<Builtin>* table);
void RegisterX509Builtins(std::vector<Builtin>* table);
void RegisterJwtBuiltins(std::vector<Builtin>* table);
void RegisterNetBuiltins(std::vector<Builtin>* table);
void RegisterWalkBuiltins(std::vector<Builtin>* table);
void RegisterRegexBuiltins(std::vector<Builtin>* table);
void RegisterGlobBuiltins(std::vector<Builtin>* table);
void RegisterUnitsBuiltins(std::vector<Builtin>* table);
void RegisterBitsBuiltins(std::vector<Builtin>* table);
void RegisterUrlBuiltins(std::vector<Builtin>* table);
void RegisterNumbersBuiltins(std::vector<Builtin>* table);
void RegisterUuidBuiltins(std::vector<Builtin>* table);
void RegisterTemplateBuiltins(std::vector<Builtin>* table);
void RegisterRenderTemplateBuiltins(std::vector<Builtin>* table);
void RegisterObjectBuiltins(std::vector<Builtin>* table);
void RegisterJsonBuiltins(std::vector<Builtin>* table);
void RegisterYamlBuiltins(std::vector<Builtin>* table);
void RegisterGraphBuiltins(std::vector<Builtin>* table);
// conftest's parse_config, parse_config_file, parse_combined_config_files.
void RegisterConftestBuiltins(std::vector<Builtin>* table);

// Helpers shared by builtin families.
// Number of Unicode code points in UTF-8 `s`.
size_t Utf8Length(std::string_view s);
// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::vector<uint32_t> Utf8Decode(std::string_view s);
std::string Utf8Encode(const std::vector<uint32_t>& cps, size_t begin, size_t end);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_BUILTINS_H_
