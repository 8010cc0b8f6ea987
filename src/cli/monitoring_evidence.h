// What `mgov drift` and `mgov fairness` leave behind about a model: with
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

struct Evidence {
  std::string model;
  int64_t ledger_sequence = 0;
  std::optional<int64_t> revocation_sequence;
  std::string note;  // why nothing was revoked, when revocation was asked for
};

// Records `result` of `check` ("drift", "fairness") for options.model and,
// with --auto-revoke, revokes the model's approvals when `severity` reaches
// the revoke severity. REQUIRES: !options.model.empty(); `key` as
// PrepareEvidence returned it.
StatusOr<Evidence> RecordEvidence(const EvidenceOptions& options, Context& ctx,
                                  std::string_view check, const nlohmann::json& result,
                                  double severity, const std::optional<PrivateKey>& key);

// Prints a check's result: with --json, `result` with the evidence under
// "evidence" ({"model", "ledger_sequence", "revoked",
// ["revocation_ledger_sequence"], ["note"]}); else `print_table`'s output
// followed by what was recorded and revoked.
void Report(Context& ctx, nlohmann::json result, const std::optional<Evidence>& evidence,
            const std::function<void(std::ostream&)>& print_table);

}  // namespace governance::cli

#endif  // GOVERNANCE_SRC_CLI_MONITORING_EVIDENCE_H_
