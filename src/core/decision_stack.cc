#include "core/decision_stack.h"

#include "core/utf8.h"

namespace governance {
namespace {

bool IsComponentName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(name[0])) return false;
  for (char c : name) {
    if (!lower_or_digit(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace

Status CheckDecisionStack(const DecisionStack& stack) {
  for (const auto& [name, value] : stack.components) {
    if (!IsComponentName(name)) {
      return InvalidArgumentError("decision stack component " + QuotedForError(name) +
                                  ": a name is 1 to 64 of a-z, 0-9, '.', '_', '-', starting "
                                  "with a letter or digit");
    }
    auto code_points = DecodeUtf8(value);
    bool printable = code_points.has_value() && !code_points->empty() && code_points->size() <= 256;
    for (char32_t c : code_points.value_or(std::u32string())) printable = printable && !IsControlCharacter(c);
    if (!printable) {
      return InvalidArgumentError("decision stack component " + name + " = " +
                                  QuotedForError(value) +
                                  ": a value is 1 to 256 printable UTF-8 characters");
    }
  }
  return Status();
}

nlohmann::json ToJson(const DecisionStack& stack) {
  nlohmann::json j = {{"dataset_version", stack.dataset_version},
                      {"code_revision", stack.code_revision},
                      {"evaluation_report_digest", stack.evaluation_report_digest}};
  // Written only when there are some, so that statements signed before
  // components existed read back to the same bytes.
  if (!stack.components.empty()) j["components"] = stack.components;
  return j;
}

StatusOr<DecisionStack> ReadDecisionStack(const JsonReader& parent) {
  GOV_ASSIGN_OR_RETURN(JsonReader r, parent.Object("decision_stack"));
  DecisionStack stack;
  GOV_ASSIGN_OR_RETURN(stack.dataset_version, r.OptionalString("dataset_version"));
  GOV_ASSIGN_OR_RETURN(stack.code_revision, r.OptionalString("code_revision"));
  GOV_ASSIGN_OR_RETURN(stack.evaluation_report_digest, r.OptionalString("evaluation_report_digest"));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* components, r.Member("components", false));
  if (!components->is_null()) {
    if (!components->is_object()) return r.Error("components", "must be an object of name: string");
    for (const auto& [name, value] : components->items()) {
      if (!value.is_string()) return r.Error("components/" + name, "must be a string");
      stack.components.emplace(name, value.get<std::string>());
    }
  }
  Status valid = CheckDecisionStack(stack);
  if (!valid.ok()) return r.Error("components", valid.message());
  return stack;
}

}  // namespace governance
