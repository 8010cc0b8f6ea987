// Runs the mgov binary the way users and CI pipelines do, checking output
// and exit codes (0 yes, 1 no, 2 error) of every subcommand, and that bad
// input changes nothing stored.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "sqlite_dump.h"
#include "cli_session.h"
#include "test_util.h"

namespace governance {
namespace {

using testing::CommandResult;

class Cli : public testing::CliSession {
 public:
  Cli() {
    InitWithTeam("--no-policy");
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights").ok());
  }


  // Everything the store holds, as `sqlite3 .mgov/governance.db .dump` shows it.
  std::string Snapshot() { return testing::DumpSqlite(dir_ / ".mgov/governance.db"); }

  std::string Train(const std::string& extra = "") {
    Expect(0, "train --model fraud --version 1 --artifact model.bin --key keys/trainer.key "
              "--out to.json " + extra);
    return "to.json";
  }

  std::string Approve(const std::string& envs) {
    Train();
    CommandResult r = Run("approve to.json --key keys/alice.key --env " + envs);
    REQUIRE(r.exit_code == 0);
    return r.output.substr(0, r.output.find('\n'));
  }

};

TEST_CASE_FIXTURE(Cli, "the whole flow, exit codes and output") {
  std::string id = Approve("staging,production");
  CHECK(id.rfind("apv-", 0) == 0);
  CHECK(Expect(0, "cosign " + id + " --key keys/bob.key").find("2 of 2 distinct approvers (quorum met)") !=
        std::string::npos);
  std::string early = Expect(1, "deploy " + id + " --env production --artifact model.bin --key keys/deployer.key");
  CHECK(early.find("FAIL  promotion-order  production requires this artifact in staging first") !=
        std::string::npos);
  CHECK(early.find("result: DENIED at gate promotion-order") != std::string::npos);
  Expect(0, "deploy " + id + " --env staging --artifact model.bin --key keys/deployer.key");
  std::string ok = Expect(0, "verify " + id + " --env production --artifact model.bin");
  for (const char* gate : {"envelope", "statement", "signatures", "quorum", "validity",
                           "environment", "scope", "revocation", "keys", "artifact",
                           "promotion-order", "exceptions"}) {
    CHECK(ok.find(std::string("PASS  ") + gate) != std::string::npos);
  }
  Expect(0, "deploy " + id + " --env production --artifact model.bin --key keys/deployer.key");
  CHECK(Expect(0, "status").find("production   fraud") != std::string::npos);
  CHECK(Expect(0, "export " + id).find("\"payloadType\": \"application/vnd.in-toto+json\"") !=
        std::string::npos);
  Expect(0, "export " + id + " --out env.json");
  Expect(0, "verify " + id + " --env staging --envelope env.json");
  CHECK(Expect(0, "revoke --approval " + id + " --reason 'bias found' --key keys/alice.key")
            .find("revoked approval " + id + ": bias found") != std::string::npos);
  CHECK(Expect(1, "deploy " + id + " --env production --artifact model.bin --key keys/deployer.key")
            .find("FAIL  revocation") != std::string::npos);
  CHECK(Expect(1, "status").find("NOT COMPLIANT: revocation") != std::string::npos);
  std::string ledger = Expect(0, "ledger list");
  CHECK(ledger.find("deploy.denied") != std::string::npos);
  CHECK(ledger.find("approval.revoked") != std::string::npos);
  CHECK(Expect(0, "ledger verify").find("ledger OK") != std::string::npos);
  CHECK(Expect(0, "ledger prove 3").find("\"audit_path\"") != std::string::npos);
  Expect(0, "ledger checkpoint --out cp.json");
  Expect(0, "ledger verify --checkpoint cp.json");
}

TEST_CASE_FIXTURE(Cli, "rollback goes back through the gate") {
  std::string v1 = Approve("staging");
  Expect(0, "deploy " + v1 + " --env staging --artifact model.bin --key keys/deployer.key");
  REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v2").ok());
  std::string v2 = Approve("staging");
  Expect(0, "deploy " + v2 + " --env staging --artifact model.bin --key keys/deployer.key");
  std::string back = Expect(0, "rollback --model fraud --env staging --key keys/deployer.key "
                              "--reason 'v2 misbehaves'");
  CHECK(back.find("rollback to " + v1) != std::string::npos);
  CHECK(Expect(2, "rollback --model churn --env staging --key keys/deployer.key --reason x")
            .find("model churn has never been deployed to staging") != std::string::npos);
}

TEST_CASE_FIXTURE(Cli, "a no is exit 1") {
  std::string id = Approve("staging");
  // Not an approver: refused, and the refusal is in the ledger.
  CHECK(Expect(1, "cosign " + id + " --key keys/deployer.key").find("lacks the approver role") !=
        std::string::npos);
  CHECK(Expect(0, "ledger list").find("approval.cosign-denied") != std::string::npos);
  // The trainer may not approve their own model.
  CHECK(Expect(1, "approve to.json --key keys/trainer.key --env staging")
            .find("lacks the approver role") != std::string::npos);
  CHECK(Expect(1, "verify " + id + " --env development").find("FAIL  environment") != std::string::npos);
}

TEST_CASE_FIXTURE(Cli, "keys: list, add, revoke, and weak or foreign keys refused") {
  std::string list = Expect(0, "key list");
  CHECK(list.find("alice") != std::string::npos);
  REQUIRE(testing::RunCommand("openssl genpkey -algorithm ed25519 -out " + (dir_ / "o.key") +
                              " && openssl pkey -in " + (dir_ / "o.key") + " -pubout -out " +
                              (dir_ / "o.pub")).exit_code == 0);
  const std::string admin = " --admin-key admin/admin.key";
  Expect(0, "key add --identity carol --role approver o.pub" + admin);
  CHECK(Expect(2, "key add --identity carol --role approver o.pub" + admin)
            .find("already enrolled") != std::string::npos);
  CHECK(Expect(2, "key add --identity dave --role admin o.pub" + admin)
            .find("unknown role \"admin\"") != std::string::npos);
  // The identity point, a small-order key, wrapped as an Ed25519 SPKI.
  REQUIRE(WriteFileAtomic(dir_ / "weak.pub",
                          "-----BEGIN PUBLIC KEY-----\n"
                          "MCowBQYDK2VwAyEAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
                          "-----END PUBLIC KEY-----\n").ok());
  CHECK(Expect(2, "key add --identity eve --role approver weak.pub" + admin)
            .find("weak Ed25519 public key refused") != std::string::npos);
  std::string keyid = list.substr(list.find('\n') + 1, 16);
  Expect(0, "key revoke " + keyid + " --reason 'left the company'" + admin);
  CHECK(Expect(0, "key list").find("revoked: left the company") != std::string::npos);
}

TEST_CASE_FIXTURE(Cli, "bad input: a clear message naming what and where, exit 2, nothing stored") {
  std::string id = Approve("staging");
  const std::string before = Snapshot();
  REQUIRE(WriteFileAtomic(dir_ / "broken.json", "{\"payloadType\": \"x\",\n  \"payload\": }").ok());
  CHECK(Expect(2, "approve broken.json --key keys/alice.key --env staging")
            .find("broken.json:2:14: invalid JSON") != std::string::npos);
  REQUIRE(WriteFileAtomic(dir_ / "bad.yaml", "spec:\n  metrics: [1, 2\n  x: 3\n").ok());
  CHECK(Expect(2, "train --model m --version 1 --artifact model.bin --key keys/trainer.key "
                  "--manifest bad.yaml")
            .find("bad.yaml:") != std::string::npos);
  REQUIRE(WriteFileAtomic(dir_ / "nan.yaml", "accuracy: .nan\n").ok());
  CHECK(Expect(2, "train --model m --version 1 --artifact model.bin --key keys/trainer.key "
                  "--metrics nan.yaml")
            .find("nan.yaml: /accuracy is not a finite number") != std::string::npos);
  REQUIRE(WriteFileAtomic(dir_ / "nofields.json",
                          "{\"payloadType\":\"application/vnd.mgov.training-output+json\","
                          "\"payload\":\"e30=\",\"signatures\":[]}").ok());
  CHECK(Expect(2, "approve nofields.json --key keys/alice.key --env staging")
            .find("nofields.json (payload): /model is missing") != std::string::npos);
  CHECK(Expect(2, "approve missing.json --key keys/alice.key --env staging")
            .find("cannot open missing.json: No such file or directory") != std::string::npos);
  CHECK(Expect(2, "approve to.json --key keys/alice.pub --env staging")
            .find("--key: keys/alice.pub: expected a PRIVATE KEY PEM block") != std::string::npos);
  REQUIRE(testing::RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                              (dir_ / "ec.key")).exit_code == 0);
  CHECK(Expect(2, "cosign " + id + " --key ec.key").find("not an Ed25519 PKCS#8 v1 private key") !=
        std::string::npos);
  CHECK(Expect(2, "verify apv-does-not-exist --env staging").find("no approval apv-does-not-exist") !=
        std::string::npos);
  CHECK(Expect(2, "approve to.json --key keys/alice.key --env staging --ttl 12x")
            .find("--ttl: invalid duration \"12x\"") != std::string::npos);
  CHECK(Expect(2, "approve to.json --key keys/alice.key --env moon")
            .find("unknown environment \"moon\"") != std::string::npos);
  CHECK(Expect(2, "deploy " + id + " --env staging --artifact nope.bin --key keys/deployer.key")
            .find("nope.bin") != std::string::npos);
  CHECK(Expect(2, "revoke --reason x --key keys/alice.key").find("give exactly one of --approval") !=
        std::string::npos);
  CHECK(Expect(2, "frobnicate").find("frobnicate") != std::string::npos);
  CHECK(Expect(2, "deploy").find("required") != std::string::npos);
  CHECK(Snapshot() == before);
}

TEST_CASE_FIXTURE(Cli, "special and empty files: refused at once, exit 2, nothing stored") {
  Train();
  const std::string before = Snapshot();
  REQUIRE(::mkfifo((dir_ / "fifo").c_str(), 0600) == 0);
  const std::string train = "train --model m --version 1 --key keys/trainer.key ";
  // No writer ever opens the FIFO; `timeout` turns a hang into exit 124.
  for (const std::string& args :
       {train + "--artifact fifo", train + "--artifact model.bin --manifest fifo",
        std::string("train --model m --version 1 --artifact model.bin --key fifo"),
        std::string("approve fifo --key keys/alice.key --env staging")}) {
    CommandResult r = testing::RunCommand("cd " + dir_.path() + " && timeout 10 " +
                                          std::string(GOV_BINARY_DIR) + "/src/cli/mgov " + args);
    INFO("mgov " << args << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("fifo") != std::string::npos);
  }
  CHECK(Expect(2, train + "--artifact /dev/null").find("/dev/null") != std::string::npos);
  REQUIRE(WriteFileAtomic(dir_ / "empty.bin", "").ok());
  std::filesystem::create_directories(dir_ / "hollow/sub");
  CHECK(Expect(2, train + "--artifact empty.bin").find("empty.bin is an empty file") != std::string::npos);
  CHECK(Expect(2, train + "--artifact hollow").find("hollow is a directory with no files") !=
        std::string::npos);
  CHECK(Snapshot() == before);
  CHECK(Expect(0, "--json " + train + "--artifact empty.bin --allow-empty-artifact")
            .find("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(Cli, "every JSON input: numbers out of range, deep nesting and duplicate keys, exit 2") {
  std::string id = Approve("staging");
  const std::string before = Snapshot();
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "{\"a\":[";
  deep += std::string(100'000, ']');  // never reached: the depth limit stops the parser first
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"big", "{\"spec\": {\"metrics\": {\"accuracy\": 1e400}}}"},
      {"deep", deep},
      {"dup", "{\"spec\": {\"metrics\": {\"accuracy\": 0.1,\n \"accuracy\": 0.99}}}"}};
  const std::vector<std::string> expect = {"number 1e400 is out of range", "nesting deeper than 256",
                                           "duplicate key \"accuracy\""};
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string file = bodies[i].first + ".json";
    REQUIRE(WriteFileAtomic(dir_ / file, bodies[i].second).ok());
    for (const std::string& args :
         {"approve " + file + " --key keys/alice.key --env staging",
          "verify " + id + " --env staging --envelope " + file,
          "train --model m --version 1 --artifact model.bin --key keys/trainer.key --manifest " + file,
          "train --model m --version 1 --artifact model.bin --key keys/trainer.key --metrics " + file,
          "--store sqlite:fresh.db init --no-policy --admin-key admin/admin.key --config " + file,
          "ledger verify --checkpoint " + file,
          "policy eval --policy " GOV_SOURCE_DIR "/policies --input " + file}) {
      const std::string out = Expect(2, args);
      INFO("mgov " << args << "\n" << out);
      CHECK(out.find(file + ":") != std::string::npos);  // names the file, line and column
      CHECK(out.find(expect[i]) != std::string::npos);
      CHECK(out.find("terminate") == std::string::npos);
    }
  }
  CHECK_FALSE(std::filesystem::exists(dir_ / "fresh.db"));
  CHECK(Snapshot() == before);
}

TEST_CASE_FIXTURE(Cli, "an --out that cannot be written: exit 2 and nothing stored") {
  Train();
  const std::string before = Snapshot();
  CHECK(Expect(2, "approve to.json --key keys/alice.key --env staging --out /nonexistent/a.json")
            .find("--out") != std::string::npos);
  CHECK(Expect(2, "train --model fraud --version 2 --artifact model.bin --key keys/trainer.key "
                  "--out /nonexistent/t.json")
            .find("--out") != std::string::npos);
  CHECK(Snapshot() == before);
  // With a writable --out both succeed and the file holds what was stored.
  Expect(0, "approve to.json --key keys/alice.key --env staging --out a.json");
  CHECK(ReadFile(dir_ / "a.json")->find("\"payloadType\"") != std::string::npos);
  CHECK(Snapshot() != before);
}

TEST_CASE_FIXTURE(Cli, "times: bad offsets, years past 9999 and far not-before are refused") {
  Train();
  const std::string before = Snapshot();
  CHECK(Expect(2, "approve to.json --key keys/alice.key --env staging --not-before 2026-12-31T00:00:00+99:99")
            .find("--not-before: invalid RFC 3339 timestamp") != std::string::npos);
  CHECK(Expect(2, "approve to.json --key keys/alice.key --env staging --not-before 9999-12-31T23:59:59Z")
            .find("not-before must lie between now") != std::string::npos);
  CHECK(Expect(2, "approve to.json --key keys/alice.key --env staging --not-before 2000-01-01T00:00:00Z")
            .find("not-before must lie between now") != std::string::npos);
  CHECK(Snapshot() == before);
}

TEST_CASE_FIXTURE(Cli, "policy: builtin errors are strict when approving, print is shown, budgets hold") {
  std::filesystem::create_directories(dir_ / "p");
  REQUIRE(WriteFileAtomic(dir_ / "p/p.rego", R"(package model.governance
import rego.v1
deny contains msg if {
  print("owner is", input.spec.owner)
  trim_space(input.spec.owner) == ""
  msg := "no owner"
}
deny contains "spin" if {
  input.spec.spin
  some i in numbers.range(1, 100000)
  some j in numbers.range(1, 100000)
  i + j < 0
}
test_owner if {
  print("testing the owner rule")
  count(deny) == 1 with input as {"spec": {"owner": " "}}
}
)").ok());
  REQUIRE(WriteFileAtomic(dir_ / "m.yaml", "spec:\n  owner: [not, a, string]\n").ok());
  // As opa eval: the failing builtin leaves the rule undefined, unless --strict.
  CommandResult lax = Run("policy eval -p p -i m.yaml");
  CHECK(lax.exit_code == 0);
  CHECK(lax.output.find("owner is [\"not\", \"a\", \"string\"]") != std::string::npos);
  CHECK(Expect(2, "policy eval --strict -p p -i m.yaml")
            .find("p.rego:5: eval_type_error: trim_space: operand 1 must be string but got array") !=
        std::string::npos);
  // policy test shows what a test printed.
  CHECK(Expect(0, "policy test -v p").find("  testing the owner rule") != std::string::npos);
  // The store requires this bundle for approvals.
  Expect(0, "admin policy p --admin-key admin/admin.key");
  REQUIRE(WriteFileAtomic(dir_ / "spin.yaml", "spec:\n  owner: alice\n  spin: true\n").ok());
  Train("--manifest m.yaml");
  Expect(0, "train --model fraud --version 2 --artifact model.bin --key keys/trainer.key "
            "--manifest spin.yaml --out spin.json");
  // An approval against this policy is denied with the error, and the denial
  // is ledgered as evidence; no approval exists.
  CHECK(Expect(1, "approve to.json --key keys/alice.key --env staging")
            .find("policy: the policy could not be evaluated: stored policy bundle") !=
        std::string::npos);
  // 10^10 steps: stopped by the default budget, never an approval.
  CHECK(Expect(1, "approve spin.json --key keys/alice.key --env staging")
            .find("rego_budget_error: evaluation exceeded") != std::string::npos);
  CHECK(Run("status --json").output.find("\"approvals\": 0") != std::string::npos);
  CHECK(Run("ledger list --json").output.find("approval.denied") != std::string::npos);
}

TEST_CASE("a missing store names mgov init") {
  testing::TempDir dir;
  auto r = testing::RunCommand("cd " + dir.path() + " && " + std::string(GOV_BINARY_DIR) +
                               "/src/cli/mgov status");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("(run `mgov init`, or pass --store)") != std::string::npos);
  auto help = testing::RunCommand(std::string(GOV_BINARY_DIR) + "/src/cli/mgov --help");
  CHECK(help.exit_code == 0);
  for (const char* sub : {"init", "key", "train", "policy", "approve", "cosign", "verify",
                          "deploy", "rollback", "revoke", "export", "ledger", "status", "admin",
                          "root", "snapshot"}) {
    CHECK(help.output.find(std::string("  ") + sub) != std::string::npos);
  }
}

TEST_CASE("policy from mgov init: a denied approval is exit 1 with every message") {
  testing::TempDir dir;
  const std::string mgov = std::string(GOV_BINARY_DIR) + "/src/cli/mgov";
  auto run = [&](const std::string& args) {
    return testing::RunCommand("cd " + dir.path() + " && " + mgov + " " + args);
  };
  REQUIRE(run("init --admin-key k/admin.key").exit_code == 0);
  REQUIRE(run("key generate --identity t --role trainer --out k --admin-key k/admin.key").exit_code == 0);
  REQUIRE(run("key generate --identity a --role approver --out k --admin-key k/admin.key").exit_code == 0);
  REQUIRE(WriteFileAtomic(dir / "m.bin", testing::Safetensors("w")).ok());
  const std::string manifests = std::string(GOV_SOURCE_DIR) + "/examples/manifests/";
  REQUIRE(run("train --model x --version 1 --artifact m.bin --key k/t.key --out bad.json --manifest " +
              manifests + "deny_framework.yaml").exit_code == 0);
  auto denied = run("approve bad.json --key k/a.key --env staging");
  CHECK(denied.exit_code == 1);
  CHECK(denied.output.find("policy: Framework jax is not approved for production") != std::string::npos);
  REQUIRE(run("train --model x --version 1 --artifact m.bin --key k/t.key --out good.json --manifest " +
              manifests + "valid.yaml").exit_code == 0);
  auto ok = run("approve good.json --key k/a.key --env staging --json");
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("\"policy_bundle\": \"sha256:") != std::string::npos);
  CHECK(run("policy test .mgov/policies").exit_code == 0);
}

}  // namespace
}  // namespace governance
