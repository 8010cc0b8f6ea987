// The trust model from the command line: governance changes need the admin
// threshold (exit 1, nothing changed, without it), identities are one
// spelling, a tampered store fails the gate and `mgov ledger verify`, roots
// are pinned and rotated, and a serving host verifies a bundle with no store.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "sqlite_dump.h"
#include "cli_session.h"
#include "test_util.h"

namespace governance {
namespace {

using testing::CommandResult;

class TrustCli : public testing::CliSession {
 public:
  TrustCli() {
    InitWithTeam();
    // Real safetensors bytes: the default bundle judges them, not the manifest's claim.
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", testing::Safetensors("weights")).ok());
    Expect(0, "train --model fraud --version 1 --artifact model.bin --key keys/trainer.key "
              "--out to.json --manifest " + std::string(GOV_SOURCE_DIR) +
              "/examples/manifests/valid.yaml --release-notes " + std::string(GOV_SOURCE_DIR) +
              "/examples/release_notes.yaml");
  }


  std::string Approve(const std::string& envs) {
    CommandResult r = Run("approve to.json --key keys/alice.key --env " + envs);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    return r.output.substr(0, r.output.find('\n'));
  }

  const std::string admin_ = " --admin-key admin/admin.key";
};

TEST_CASE_FIXTURE(TrustCli, "governance changes without the admin threshold: exit 1, nothing changed") {
  const std::string keys = Expect(0, "key list --json");
  const std::string ledger = Expect(0, "ledger list --json");
  CHECK(Expect(1, "key generate --identity mallory --role approver --out keys")
            .find("enrolling a key is a governance change: it needs the admin threshold") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir_ / "keys/mallory.key"));
  CHECK(Expect(1, "key generate --identity mallory --role approver --out keys --admin-key "
                  "keys/alice.key")
            .find("is not an admin of root v1") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir_ / "keys/mallory.key"));
  std::string keyid = keys.substr(keys.find("\"keyid\": \"") + 10, 16);
  CHECK(Expect(1, "key revoke " + keyid + " --reason x").find("revoking a key is a governance "
                                                              "change") != std::string::npos);
  CHECK(Expect(1, "key roles " + keyid + " --role approver,deployer")
            .find("needs the admin threshold") != std::string::npos);
  REQUIRE(WriteFileAtomic(dir_ / "lax.yaml",
                          "environments:\n  - {name: staging, min_approvers: 1}\n"
                          "  - {name: production, min_approvers: 1}\n").ok());
  CHECK(Expect(1, "init --config lax.yaml").find("needs the admin threshold (pass --admin-key)") !=
        std::string::npos);
  // Rules that no admin could set are bad input, refused before anything else.
  REQUIRE(WriteFileAtomic(dir_ / "skew.yaml",
                          "environments:\n  - {name: staging, min_approvers: 1}\n"
                          "clock_skew: 3650d\n").ok());
  for (const std::string& admin : {std::string(), admin_}) {
    CHECK(Expect(2, "init --config skew.yaml" + admin).find("clock_skew 3650d is outside 0s to 1h") !=
          std::string::npos);
  }
  // `approve --policy` is gone: the policy is the one the admins require.
  CHECK(Expect(2, "approve to.json --key keys/alice.key --env staging --policy lax/")
            .find("--policy") != std::string::npos);
  CHECK(Expect(0, "key list --json") == keys);
  CHECK(Expect(0, "ledger list --json") == ledger);
  // With the admin's key the same rules take effect, and the ledger says who.
  REQUIRE(WriteFileAtomic(dir_ / "rules.yaml",
                          "environments:\n  - {name: staging, min_approvers: 1, "
                          "separation_of_duties: false}\n"
                          "  - {name: production, min_approvers: 3, requires_prior: [staging]}\n").ok());
  CHECK(Expect(0, "admin config rules.yaml" + admin_).find("applied chg-") != std::string::npos);
  // The rules name no policy_bundle: each environment keeps the one it requires.
  const std::string applied = Expect(0, "admin list --all");
  CHECK(applied.find("set the configuration: staging (1 approver, policy ") != std::string::npos);
  CHECK(applied.find("production (3 approvers, policy ") != std::string::npos);
  CHECK(Expect(0, "ledger list").find("governance.applied        admin") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustCli, "identities: one spelling, nothing outside --out, no forged lines") {
  const std::string before = testing::DumpSqlite(dir_ / ".mgov/governance.db");
  CHECK(Expect(2, "key generate --identity 'alice ' --role approver --out keys" + admin_)
            .find("contains a space at position 6") != std::string::npos);
  CHECK(Expect(2, "key generate --identity ../outside --role approver --out keys" + admin_)
            .find("contains '/' at position 3") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir_ / "outside.key"));
  CHECK(Expect(2, "key generate --identity \"$(printf 'eve\\nbob')\" --role approver --out keys" + admin_)
            .find("contains a line break at position 4") != std::string::npos);
  CHECK(Expect(2, "key generate --identity \"$(printf '\\320\\260lice')\" --role approver --out keys" + admin_)
            .find("contains a non-ASCII character at position 1") != std::string::npos);
  CHECK(testing::DumpSqlite(dir_ / ".mgov/governance.db") == before);
  // "Alice" is alice: her second key adds nothing.
  Expect(0, "key generate --identity Alice --role approver --out keys2" + admin_);
  CHECK(std::filesystem::exists(dir_ / "keys2/alice.key"));
  std::string id = Approve("production");
  CHECK(Expect(1, "cosign " + id + " --key keys2/alice.key").find("alice already approved") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(TrustCli, "a tampered store: the gate and ledger verify fail closed") {
  std::string id = Approve("staging");
  Expect(0, "cosign " + id + " --key keys/bob.key");
  Expect(0, "revoke --approval " + id + " --reason 'bias found' --key keys/alice.key");
  Sql("DELETE FROM revocations");
  std::string deploy = Expect(1, "deploy " + id + " --env staging --artifact model.bin --key "
                                 "keys/deployer.key");
  CHECK(deploy.find("FAIL  snapshot         the snapshot does not vouch for these facts: the "
                    "revocations differ") != std::string::npos);
  CHECK(deploy.find("not recorded: the store's state does not verify") != std::string::npos);
  std::string verify = Expect(1, "ledger verify");
  CHECK(verify.find("table revocations FAILED") != std::string::npos);
  CHECK(Expect(1, "ledger verify --json").find("\"ok\": false") != std::string::npos);
  // Writes are refused too.
  CHECK(Expect(1, "approve to.json --key keys/alice.key --env staging").find("snapshot: ") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(TrustCli, "two of three admins: proposals wait, signatures apply them") {
  testing::TempDir other;
  auto run = [&](const std::string& args) {
    return testing::RunCommand("cd " + other.path() + " && MGOV_HOME=" + (other / "home") + " " +
                               std::string(GOV_BINARY_DIR) + "/src/cli/mgov " + args);
  };
  for (const char* who : {"b", "c"}) {
    REQUIRE(testing::RunCommand("cd " + other.path() + " && openssl genpkey -algorithm ed25519 "
                                "-out " + who + ".key && openssl pkey -in " + who +
                                ".key -pubout -out " + who + ".pub").exit_code == 0);
  }
  auto init = run("init --no-policy --admin-key a.key --admin b.pub --admin c.pub "
                  "--admin-threshold 2");
  INFO(init.output);
  REQUIRE(init.exit_code == 0);
  CHECK(init.output.find("waiting for more admin signatures: mgov admin sign root-v1") !=
        std::string::npos);
  // Nothing passes, nothing enrols, until the root is in effect.
  CHECK(run("key generate --identity t --role trainer --out k --admin-key a.key").exit_code == 1);
  auto list = run("admin list");
  CHECK(list.output.find("root-v1") != std::string::npos);
  auto root = run("admin sign root-v1 --key b.key");
  INFO(root.output);
  CHECK(root.exit_code == 0);
  CHECK(root.output.find("applied root-v1") != std::string::npos);
  // The first configuration change waits for its second signature.
  auto pending = run("admin list --json");
  std::string change = pending.output.substr(pending.output.find("\"change_id\": \"") + 14, 28);
  CHECK(change.rfind("chg-", 0) == 0);
  CHECK(run("admin sign " + change + " --key c.key").exit_code == 0);
  CHECK(run("admin sign " + change + " --key c.key").exit_code == 2);  // applied already
  auto proposed = run("key generate --identity t --role trainer --out k --admin-key a.key");
  INFO(proposed.output);
  CHECK(proposed.exit_code == 1);
  CHECK(proposed.output.find("not in effect yet: 1 of 2 required admin signatures (a)") !=
        std::string::npos);
  CHECK(run("key list").output.find(" t ") == std::string::npos);
  std::string enrol = proposed.output.substr(proposed.output.find("proposed chg-") + 9, 28);
  auto signed_ = run("admin sign " + enrol + " --key b.key");
  INFO(signed_.output);
  CHECK(signed_.exit_code == 0);
  CHECK(run("key list").output.find("trainer") != std::string::npos);
  CHECK(run("admin sign " + enrol + " --key k/t.key").exit_code == 2);
}

TEST_CASE_FIXTURE(TrustCli, "roots: export, pin, rotate; a host never goes back") {
  Expect(0, "root export --out root-v1.json");
  CHECK(Expect(0, "root show").find("1 of 1 must sign each governance change") != std::string::npos);
  REQUIRE(testing::RunCommand("cd " + dir_.path() + " && openssl genpkey -algorithm ed25519 -out "
                              "second.key && openssl pkey -in second.key -pubout -out "
                              "second.pub").exit_code == 0);
  // Only the new admin: the old threshold is missing.
  CHECK(Expect(1, "root rotate --admin admin=admin/admin.pub --admin second=second.pub "
                  "--admin-threshold 2 --admin-key second.key")
            .find("proposed root-v2") != std::string::npos);
  CHECK(Expect(0, "admin sign root-v2 --key admin/admin.key").find("applied root-v2") !=
        std::string::npos);
  CHECK(Expect(0, "root show").find("governance root v2") != std::string::npos);
  Expect(0, "root export --out root-v2.json");
  // This host now trusts v2; an old store copy with only v1 is a rollback.
  Sql("DELETE FROM roots WHERE version = 2");
  CHECK(Expect(1, "status").find("root rolled back: this host trusts root v2") != std::string::npos);
  // A host pinned to v1 is refused a root v2 signed only by the new admins.
  CHECK(Expect(2, "root pin root-v1.json").find("already pins another root") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustCli, "a serving host with no store verifies a bundle against its pinned root") {
  std::string id = Approve("staging");
  Expect(0, "root export --out root.json");
  Expect(0, "export --bundle " + id + " --out bundle.json");
  testing::TempDir host;
  for (const char* f : {"root.json", "bundle.json", "model.bin"}) {
    std::filesystem::copy_file(dir_ / f, host / f);
  }
  auto verify = [&](const std::string& args) {
    return testing::RunCommand("cd " + host.path() + " && MGOV_HOME=" + (host / "home") + " " +
                               std::string(GOV_BINARY_DIR) + "/src/cli/mgov " + args);
  };
  auto ok = verify("verify --bundle bundle.json --trust root.json --env staging --artifact model.bin");
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("result: ALLOWED (offline: nothing recorded)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(host / ".mgov"));
  auto wrong_env = verify("verify --bundle bundle.json --trust root.json --env production");
  CHECK(wrong_env.exit_code == 1);
  CHECK(wrong_env.output.find("FAIL  environment") != std::string::npos);
  REQUIRE(WriteFileAtomic(host / "model.bin", "other").ok());
  CHECK(verify("verify --bundle bundle.json --trust root.json --env staging --artifact model.bin")
            .exit_code == 1);
  CHECK(verify("verify --bundle bundle.json --env staging").output.find("needs the governance root") !=
        std::string::npos);
  CHECK(verify("verify --bundle nope.json --trust root.json --env staging").exit_code == 2);
  // This host's own limit on the snapshot's age, shorter than the admins'
  // window (a stale snapshot under it: trust_attack_test.cc, "freeze").
  REQUIRE(WriteFileAtomic(host / "model.bin", *ReadFile(dir_ / "model.bin")).ok());
  CHECK(verify("verify --bundle bundle.json --trust root.json --env staging --max-age 1h")
            .exit_code == 0);
  auto bad = verify("verify --bundle bundle.json --trust root.json --env staging --max-age soon");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--max-age") != std::string::npos);
}

}  // namespace
}  // namespace governance
