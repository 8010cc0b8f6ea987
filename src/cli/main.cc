#include <cstdlib>
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

  cli::AddInitCommand(app, ctx);
  cli::AddKeyCommand(app, ctx);
  cli::AddTrainCommand(app, ctx);
  cli::AddApproveCommand(app, ctx);
  cli::AddCosignCommand(app, ctx);
  cli::AddVerifyCommand(app, ctx);
  cli::AddDeployCommand(app, ctx);
  cli::AddRollbackCommand(app, ctx);
  cli::AddRevokeCommand(app, ctx);
  cli::AddExportCommand(app, ctx);
  cli::AddLedgerCommand(app, ctx);
  cli::AddPolicyCommand(app, ctx);
  cli::AddStatusCommand(app, ctx);
  cli::AddDriftCommand(app, ctx);
  cli::AddFairnessCommand(app, ctx);

  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == argv[1];
    }
    if (!known) {
      std::cerr << "mgov: unknown command \"" << argv[1] << "\" (run mgov --help)\n";
      return cli::kExitError;
    }
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
