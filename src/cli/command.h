// The shape every `mgov` subcommand follows (CLI11's subcom_in_files layout):
// one file per subcommand, an options struct, a Run function returning a
// StatusOr<Outcome>, and an Add…Command function that wires it into CLI11.
//
// Exit codes: 0 the answer is yes (allowed, verified, ok), 1 the answer is no
// (denied, drifted, unfair), 2 usage, input or internal error.
#ifndef GOVERNANCE_SRC_CLI_COMMAND_H_
#define GOVERNANCE_SRC_CLI_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "governance/status.h"

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
  // as "mgov <command>: <message>" and sets the exit code.
  void Finish(std::string_view command, const StatusOr<Outcome>& outcome);
};

// mgov drift (drift_command.cc) and mgov fairness (fairness_command.cc).
void AddDriftCommand(CLI::App& app, Context& ctx);
void AddFairnessCommand(CLI::App& app, Context& ctx);

}  // namespace governance::cli

#endif  // GOVERNANCE_SRC_CLI_COMMAND_H_
