// The `mgov policy` subcommands defined outside policy_command.cc.
#ifndef GOVERNANCE_SRC_CLI_POLICY_SUBCOMMANDS_H_
#define GOVERNANCE_SRC_CLI_POLICY_SUBCOMMANDS_H_

#include "cli/command.h"

namespace governance::cli {

// Adds `check` and `capabilities` under `policy` (policy_check_command.cc).
void AddPolicyCheckCommands(CLI::App& policy, Context& ctx);

}  // namespace governance::cli

#endif  // GOVERNANCE_SRC_CLI_POLICY_SUBCOMMANDS_H_
