// The JSON form of a DecisionStack, shared by the TrainingOutput and the
// approval predicate that copies it.
#ifndef GOVERNANCE_SRC_CORE_DECISION_STACK_H_
#define GOVERNANCE_SRC_CORE_DECISION_STACK_H_

#include <nlohmann/json.hpp>

#include "core/json_reader.h"
#include "governance/types.h"

namespace governance {

nlohmann::json ToJson(const DecisionStack& stack);

// Reads the object member "decision_stack" of `parent`.
StatusOr<DecisionStack> ReadDecisionStack(const JsonReader& parent);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_DECISION_STACK_H_
