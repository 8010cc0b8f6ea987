// The shape every `mgov` subcommand follows (CLI11's subcom_in_files layout):
// one file per subcommand, an options struct, a Run function returning a
// StatusOr<Outcome>, and an Add…Command function that wires it into CLI11.
//
// Exit codes: 0 the answer is yes (allowed, verified, ok), 1 the answer is no
// (denied, drifted, unfair, not permitted), 2 usage, input or internal error.
#ifndef GOVERNANCE_SRC_CLI_COMMAND_H_
#define GOVERNANCE_SRC_CLI_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/keys.h"
#include "governance/ledger.h"
#include "governance/status.h"
#include "governance/administration.h"
#include "governance/coordinator.h"
#include "governance/store.h"
#include "governance/trust.h"
#include "governance/types.h"

namespace governance::cli {

enum class Outcome { kYes = 0, kNo = 1 };

inline constexpr int kExitYes = 0;
inline constexpr int kExitNo = 1;
inline constexpr int kExitError = 2;

// Options every subcommand sees.
struct GlobalOptions {
  // Store URL: a path or sqlite:PATH for SQLite, postgresql://… for PostgreSQL.
  // Default: $MGOV_STORE, else .mgov/governance.db under the current directory.
  std::string store;
  // The ledger signing key (the store's online key). Default:
  // $MGOV_LEDGER_KEY, else ledger.key beside a SQLite store, else
  // .mgov/ledger.key.
  std::string ledger_key;
  // A governance root file to trust (--trust, $MGOV_TRUST). Default: the
  // root pinned for this store on this host (TrustDirectory()).
  std::string trust;
  // Machine-readable output on stdout.
  bool json = false;
};

// Shared state of one `mgov` invocation.
struct Context {
  GlobalOptions global;
  std::ostream* out = nullptr;  // results
  std::ostream* err = nullptr;  // diagnostics
  int exit_code = kExitYes;

  // Records the outcome of a Run function: prints a failed status on `err`
  // as "mgov <command>: <message>" and sets the exit code (PermissionDenied
  // is a "no", everything else an error).
  void Finish(std::string_view command, const StatusOr<Outcome>& outcome);

  // Where the ledger key lives for the configured store.
  std::string LedgerKeyPath() const;
  // "sqlite:/abs/path" or the PostgreSQL URL.
  std::string StoreUrl() const;
  // Opens the configured store with its ledger key (when the key file
  // exists). FailedPrecondition naming `mgov init` when a SQLite store file
  // is missing, unless `create`.
  StatusOr<std::unique_ptr<Store>> OpenStore(bool create = false) const;

  // Where this host keeps what it trusts for the configured store:
  // $MGOV_HOME/trust/<first 16 hex digits of SHA-256(store URL)>, with
  // MGOV_HOME defaulting to $XDG_CONFIG_HOME/mgov, else ~/.config/mgov.
  std::string TrustDirectory() const;
  // The trust store: the pinned root (global.trust when given, else the
  // directory's root.json) and the ledger mark kept in the directory.
  StatusOr<std::shared_ptr<TrustStore>> OpenTrust() const;
  // Options for the planes: the trust store and the wall clock.
  StatusOr<PlaneOptions> Planes() const;

  // Prints `j` (indented) on `out`.
  void PrintJson(const nlohmann::json& j) const;
};

// Prints a gate result as an aligned table, or JSON with --json; returns
// kYes when promoted. `offline`: verified from a bundle, which records nothing.
Outcome PrintPromotion(const Context& ctx, const std::string& action, const PromotionResult& r,
                       bool offline = false);

// Prints rows as left-aligned columns, two spaces apart (the last column
// unpadded).
void PrintTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// A release's decision stack and release record for people, one "  field
// value" line each, empty fields left out (release_text.cc).
void PrintDecisionStack(const DecisionStack& stack, std::ostream& out);
void PrintReleaseNotes(const std::optional<ReleaseNotes>& notes, std::ostream& out);

// A number for tables: 4 significant digits, or scientific below 1e-3.
std::string ShortNumber(double value);

// Prints the outcome of a governance change: applied (kYes), or waiting for
// more admin signatures (kNo: the change is not in effect).
StatusOr<Outcome> ReportChange(const Context& ctx, const ChangeOutcome& change);

// Reads environment rules from `path` (YAML/JSON) to replace `current`. An
// environment that does not mention policy_bundle keeps the bundle `current`
// requires for it, so that new rules never drop a policy by omission
// (`policy_bundle: ""` does, on purpose).
StatusOr<GovernanceConfig> LoadConfigKeepingPolicy(const std::string& path,
                                                   const GovernanceConfig& current);

// The checkpoint saved in `path` (mgov ledger checkpoint --out); none when
// `path` is empty.
StatusOr<std::optional<LedgerCheckpoint>> LoadCheckpoint(const std::string& path);
// Reads a private key file, naming the option in errors.
StatusOr<PrivateKey> LoadSigningKey(const std::string& path, const char* option = "--key");

// A before_commit hook (TrainingRequest, ApprovalRequest) that writes the
// signed envelope to `path` (--out), so that a file that cannot be written
// leaves the store untouched.
std::function<Status(const Envelope&)> WriteEnvelopeBeforeCommit(const std::string& path);

// Each subcommand's file defines one of these.
void AddInitCommand(CLI::App& app, Context& ctx);
void AddKeyCommand(CLI::App& app, Context& ctx);
void AddTrainCommand(CLI::App& app, Context& ctx);
void AddApproveCommand(CLI::App& app, Context& ctx);
void AddCosignCommand(CLI::App& app, Context& ctx);
void AddVerifyCommand(CLI::App& app, Context& ctx);
void AddDeployCommand(CLI::App& app, Context& ctx);
void AddRollbackCommand(CLI::App& app, Context& ctx);
void AddRevokeCommand(CLI::App& app, Context& ctx);
void AddExportCommand(CLI::App& app, Context& ctx);
void AddLedgerCommand(CLI::App& app, Context& ctx);
void AddPolicyCommand(CLI::App& app, Context& ctx);
// Adds `reevaluate` under the `policy` subcommand.
void AddPolicyReevaluateCommand(CLI::App& policy, Context& ctx);
void AddStatusCommand(CLI::App& app, Context& ctx);
// mgov approval (approval_command.cc), mgov history (history_command.cc),
// mgov diff (diff_command.cc) and mgov audit (audit_command.cc).
void AddApprovalCommand(CLI::App& app, Context& ctx);
void AddHistoryCommand(CLI::App& app, Context& ctx);
void AddDiffCommand(CLI::App& app, Context& ctx);
void AddAuditCommand(CLI::App& app, Context& ctx);
// mgov report (report_command.cc): the compliance report.
void AddReportCommand(CLI::App& app, Context& ctx);
// mgov admin (admin_command.cc), mgov root (root_command.cc), mgov snapshot.
void AddAdminCommand(CLI::App& app, Context& ctx);
void AddRootCommand(CLI::App& app, Context& ctx);
void AddSnapshotCommand(CLI::App& app, Context& ctx);

// mgov drift (drift_command.cc) and mgov fairness (fairness_command.cc).
void AddDriftCommand(CLI::App& app, Context& ctx);
void AddFairnessCommand(CLI::App& app, Context& ctx);
// mgov data check (data_command.cc): data-quality expectations.
void AddDataCommand(CLI::App& app, Context& ctx);

}  // namespace governance::cli

#endif  // GOVERNANCE_SRC_CLI_COMMAND_H_
