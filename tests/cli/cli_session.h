// A directory in which tests run the mgov binary as users and CI pipelines
// do, with this host's trusted roots kept inside it (MGOV_HOME), so that a
// test never reads or writes the real user's configuration.
#ifndef GOVERNANCE_TESTS_CLI_CLI_SESSION_H_
#define GOVERNANCE_TESTS_CLI_CLI_SESSION_H_

#include <doctest/doctest.h>

#include <string>

#include "sqlite_dump.h"
#include "test_util.h"

namespace governance::testing {

class CliSession {
 public:
  // Runs `mgov ARGS` in the directory, stdout and stderr together.
  CommandResult Run(const std::string& args) {
    return RunCommand("cd " + dir_.path() + " && MGOV_HOME=" + (dir_ / "home") + " " +
                      std::string(GOV_BINARY_DIR) + "/src/cli/mgov " + args);
  }

  // Runs and checks the exit code, showing the output when it differs.
  std::string Expect(int code, const std::string& args) {
    CommandResult r = Run(args);
    INFO("mgov " << args << "\n" << r.output);
    CHECK(r.exit_code == code);
    return r.output;
  }

  // `mgov init INIT_ARGS` with admin/admin.key, then keys in keys/ for a
  // trainer, two approvers (alice, bob) and a deployer.
  void InitWithTeam(const std::string& init_args = "") {
    Expect(0, "init --admin-key admin/admin.key " + init_args);
    for (const char* who : {"trainer:trainer", "alice:approver", "bob:approver",
                            "deployer:deployer"}) {
      std::string spec = who;
      auto colon = spec.find(':');
      Expect(0, "key generate --identity " + spec.substr(0, colon) + " --role " +
                    spec.substr(colon + 1) + " --out keys --admin-key admin/admin.key");
    }
  }

  // Runs SQL on the SQLite store behind mgov's back, as anyone who can write
  // the database file could.
  void Sql(const std::string& sql) { ExecSqlite(dir_ / ".mgov/governance.db", sql); }

  TempDir dir_;
};

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_CLI_CLI_SESSION_H_
