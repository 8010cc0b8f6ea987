// What `mgov drift`, `mgov fairness` and `mgov data check` leave behind about a model: with
// --model, a "<check>.checked" ledger entry holding the result; with
// --auto-revoke as well, a revocation of every approval of the model once the
// result's severity reaches --revoke-severity, signed with --key.
#ifndef GOVERNANCE_SRC_CLI_MONITORING_EVIDENCE_H_
#define GOVERNANCE_SRC_CLI_MONITORING_EVIDENCE_H_

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "governance/keys.h"
#include "governance/status.h"

namespace governance::cli {

struct EvidenceOptions {
  std::string model;
  bool auto_revoke = false;
  std::string key;
  double revoke_severity = 0.8;
};

// Adds --model, --auto-revoke, --key and --revoke-severity to `cmd`.
void AddEvidenceOptions(CLI::App* cmd, EvidenceOptions* options);

// Checks that the flags go together and loads the revocation key, so that a
// bad key fails before any work is done or recorded. nullopt without
// --auto-revoke.
StatusOr<std::optional<PrivateKey>> PrepareEvidence(const EvidenceOptions& options);

// Reports a check's result and, with --model, records it first: a
// "<check>.checked" ledger entry ("drift", "fairness", "data-quality") holding
// `result` for options.model, and with --auto-revoke a revocation of the
// model's approvals when `severity` reaches the revoke severity. Prints, with
// --json, `result` with the evidence under "evidence" ({"model",
// "ledger_sequence", "revoked", ["revocation_ledger_sequence"], ["note"]});
// else `print_table`'s output followed by what was recorded and revoked.
// Prints nothing when recording fails. REQUIRES: `key` as PrepareEvidence
// returned it.
Status RecordAndReport(const EvidenceOptions& options, Context& ctx, std::string_view check,
                       nlohmann::json result, double severity,
                       const std::optional<PrivateKey>& key,
                       const std::function<void(std::ostream&)>& print_table);

}  // namespace governance::cli

#endif  // GOVERNANCE_SRC_CLI_MONITORING_EVIDENCE_H_
