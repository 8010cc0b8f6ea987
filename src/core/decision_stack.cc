#include "core/decision_stack.h"

namespace governance {

nlohmann::json ToJson(const DecisionStack& stack) {
  return {{"dataset_version", stack.dataset_version},
          {"code_revision", stack.code_revision},
          {"evaluation_report_digest", stack.evaluation_report_digest}};
}

StatusOr<DecisionStack> ReadDecisionStack(const JsonReader& parent) {
  GOV_ASSIGN_OR_RETURN(JsonReader r, parent.Object("decision_stack"));
  DecisionStack stack;
  GOV_ASSIGN_OR_RETURN(stack.dataset_version, r.OptionalString("dataset_version"));
  GOV_ASSIGN_OR_RETURN(stack.code_revision, r.OptionalString("code_revision"));
  GOV_ASSIGN_OR_RETURN(stack.evaluation_report_digest, r.OptionalString("evaluation_report_digest"));
  return stack;
}

}  // namespace governance
