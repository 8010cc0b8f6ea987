#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <string_view>
#include <utility>
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
  namespace cli = governance::cli;
  CLI::App app{"mgov: ML model governance as code: signed approvals, policy gates, "
               "tamper-evident evidence"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  app.set_version_flag("--version", "mgov 0.1.0");

  cli::Context ctx;
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  const char* env_store = std::getenv("MGOV_STORE");
  ctx.global.store = env_store != nullptr && *env_store != '\0' ? env_store : ".mgov/governance.db";
  app.add_option("--store", ctx.global.store,
                 "Store URL: PATH or sqlite:PATH, or postgresql://... "
                 "(default $MGOV_STORE, else .mgov/governance.db)");
  app.add_flag("--json", ctx.global.json, "Machine-readable JSON output");
  const char* env_ledger_key = std::getenv("MGOV_LEDGER_KEY");
  if (env_ledger_key != nullptr) ctx.global.ledger_key = env_ledger_key;
  app.add_option("--ledger-key", ctx.global.ledger_key,
                 "Ledger signing key (default $MGOV_LEDGER_KEY, else ledger.key beside the store)");
  const char* env_trust = std::getenv("MGOV_TRUST");
  if (env_trust != nullptr) ctx.global.trust = env_trust;
  app.add_option("--trust", ctx.global.trust,
                 "Governance root to trust (default $MGOV_TRUST, else the root pinned for this "
                 "store on this host)");

  // Building every subcommand's options is most of a short command's CPU
  // time, so a command named first on the line is the only one built;
  // `mgov --help` and global options first build them all.
  using AddCommand = void (*)(CLI::App&, cli::Context&);
  static constexpr std::pair<std::string_view, AddCommand> kCommands[] = {
      {"init", cli::AddInitCommand},         {"key", cli::AddKeyCommand},
      {"train", cli::AddTrainCommand},       {"approve", cli::AddApproveCommand},
      {"cosign", cli::AddCosignCommand},     {"verify", cli::AddVerifyCommand},
      {"deploy", cli::AddDeployCommand},     {"rollback", cli::AddRollbackCommand},
      {"revoke", cli::AddRevokeCommand},     {"export", cli::AddExportCommand},
      {"ledger", cli::AddLedgerCommand},     {"policy", cli::AddPolicyCommand},
      {"status", cli::AddStatusCommand},     {"drift", cli::AddDriftCommand},
      {"fairness", cli::AddFairnessCommand}, {"admin", cli::AddAdminCommand},
      {"root", cli::AddRootCommand},         {"snapshot", cli::AddSnapshotCommand},
      {"approval", cli::AddApprovalCommand}, {"history", cli::AddHistoryCommand},
      {"diff", cli::AddDiffCommand},         {"audit", cli::AddAuditCommand},
      {"report", cli::AddReportCommand},     {"data", cli::AddDataCommand},
  };
  if (argc > 1 && argv[1][0] != '-') {
    auto named = std::find_if(std::begin(kCommands), std::end(kCommands),
                              [&](const auto& c) { return c.first == argv[1]; });
    if (named == std::end(kCommands)) {
      std::cerr << "mgov: unknown command \"" << argv[1] << "\" (run mgov --help)\n";
      return cli::kExitError;
    }
    named->second(app, ctx);
  } else {
    for (const auto& [name, add] : kCommands) add(app, ctx);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // CLI11 uses 0 for --help/--version and 1+ for usage errors; ours is 2.
    return rc == 0 ? 0 : cli::kExitError;
  }
  return ctx.exit_code;
}
