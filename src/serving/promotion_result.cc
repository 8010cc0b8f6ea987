#include "governance/types.h"

namespace governance {

const GateCheck* PromotionResult::FirstFailure() const {
  for (const auto& g : gates) {
    if (!g.passed) return &g;
  }
  return nullptr;
}

nlohmann::json ToJson(const PromotionResult& r) {
  nlohmann::json gates = nlohmann::json::array();
  for (const auto& g : r.gates) {
    gates.push_back(
        {{"gate", g.name}, {"passed", g.passed}, {"skipped", g.skipped}, {"reason", g.reason}});
  }
  nlohmann::json j = {{"promoted", r.promoted},
                      {"environment", r.environment},
                      {"scope", r.scope},
                      {"model", {{"id", r.model_id}, {"version", r.model_version}}},
                      {"approval_id", r.approval_id},
                      {"gates", std::move(gates)},
                      {"verified_approvers", r.verified_approvers},
                      {"ledger_sequence", r.ledger_sequence}};
  j["previous_approval_id"] =
      r.previous_approval_id ? nlohmann::json(*r.previous_approval_id) : nlohmann::json(nullptr);
  return j;
}

}  // namespace governance
