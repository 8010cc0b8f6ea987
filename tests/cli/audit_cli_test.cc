// mgov approval list / show and mgov history: every state an approval can be
// in, what `show` says about signers, quorum and the gate, a model's history
// with its ledger sequences, filters, exit codes, and a tampered store
// refused rather than described.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/file.h"
#include "cli_session.h"
#include "test_util.h"

namespace governance {
namespace {

class AuditCli : public testing::CliSession {
 public:
  AuditCli() {
    InitWithTeam("--no-policy");
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v1").ok());
  }

  // Trains `version` of fraud from model.bin holding `weights` (with more
  // `train` options) and has alice approve it for `envs`; returns the
  // approval id.
  std::string Release(const std::string& version, const std::string& weights,
                      const std::string& envs, const std::string& train_options = "") {
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", weights).ok());
    Expect(0, "train --model fraud --version " + version +
                  " --artifact model.bin --key keys/trainer.key --out to.json " + train_options);
    std::string out = Expect(0, "approve to.json --key keys/alice.key --env " + envs);
    return out.substr(0, out.find('\n'));
  }

  nlohmann::json Json(int code, const std::string& args) {
    std::string out = Expect(code, "--json " + args);
    auto j = nlohmann::json::parse(out, nullptr, false);
    INFO(out);
    REQUIRE_FALSE(j.is_discarded());
    return j;
  }

  // The state `approval list` gives `id`.
  std::string StateOf(const std::string& id, const std::string& extra = "") {
    const nlohmann::json list = Json(0, "approval list " + extra);
    for (const auto& a : list["approvals"]) {
      if (a["approval_id"] == id) return a["state"].get<std::string>();
    }
    return "(not listed)";
  }
};

TEST_CASE_FIXTURE(AuditCli, "approval list: pending, active, expiring, superseded, revoked") {
  const std::string v1 = Release("1", "weights v1", "staging,production");
  // One of two approvers: pending, and the reason says how far.
  auto pending = Json(0, "approval list --state pending")["approvals"];
  REQUIRE(pending.size() == 1);
  CHECK(pending[0]["approval_id"] == v1);
  CHECK(pending[0]["state_reason"] == "1 of 2 distinct approvers");
  Expect(0, "cosign " + v1 + " --key keys/bob.key");
  CHECK(StateOf(v1) == "active");
  CHECK(StateOf(v1, "--expiring-within 365d") == "expiring");
  CHECK(Json(0, "approval list --state pending")["approvals"].empty());

  // A newer approval for both environments supersedes it; one for staging
  // alone would not.
  const std::string v2 = Release("2", "weights v2", "staging");
  Expect(0, "cosign " + v2 + " --key keys/bob.key");
  CHECK(StateOf(v1) == "active");
  const std::string v3 = Release("3", "weights v3", "staging,production");
  Expect(0, "cosign " + v3 + " --key keys/bob.key");
  CHECK(StateOf(v1) == "superseded");
  CHECK(StateOf(v2) == "superseded");
  auto j = Json(0, "approval list --state superseded --env production")["approvals"];
  REQUIRE(j.size() == 1);
  CHECK(j[0]["superseded_by"] == v3);

  // Revoking the newest one brings the older ones back.
  Expect(0, "revoke --approval " + v3 + " --reason 'bias found' --key keys/alice.key");
  CHECK(StateOf(v3) == "revoked");
  CHECK(StateOf(v1) == "active");
  auto revoked = Json(0, "approval list --state revoked")["approvals"];
  REQUIRE(revoked.size() == 1);
  CHECK(revoked[0]["revocation"]["reason"] == "bias found");
  CHECK(revoked[0]["revocation"]["revoked_by"] == "alice");

  // Filters and the table.
  CHECK(Json(0, "approval list --model churn")["approvals"].empty());
  CHECK(Json(0, "approval list --env development")["approvals"].empty());
  std::string table = Expect(0, "approval list --model fraud");
  CHECK(table.find("APPROVAL") != std::string::npos);
  CHECK(table.find(v3 + "  fraud  3        staging,production  revoked") != std::string::npos);
  CHECK(Expect(0, "approval list --model churn") == "no approvals match\n");
  CHECK(Expect(2, "approval list --state bogus").find("unknown approval state \"bogus\"") !=
        std::string::npos);
  CHECK(Expect(2, "approval list --expiring-within soon").find("--expiring-within") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(AuditCli, "approval show: signers, quorum per environment and the gate now") {
  const std::string id = Release("1", "weights v1", "staging,production");
  auto j = Json(0, "approval show " + id);
  CHECK(j["state"] == "pending");
  CHECK(j["model_id"] == "fraud");
  CHECK(j["trainer"] == "trainer");
  CHECK(j["required_approvers"]["production"] == 2);
  REQUIRE(j["signers"].size() == 1);
  CHECK(j["signers"][0]["identity"] == "alice");
  CHECK(j["signers"][0]["counts"] == true);
  CHECK(j["policy"]["evaluated"] == false);
  CHECK(j["gates"]["staging"]["passes"] == false);
  CHECK(j["gates"]["staging"]["failed"][0]["gate"] == "quorum");

  Expect(0, "cosign " + id + " --key keys/bob.key");
  j = Json(0, "approval show " + id);
  CHECK(j["distinct_approvers"] == 2);
  CHECK(j["gates"]["staging"]["passes"] == true);
  // Production needs the artifact in staging first.
  CHECK(j["gates"]["production"]["passes"] == false);
  CHECK(j["gates"]["production"]["failed"][0]["gate"] == "promotion-order");
  Expect(0, "deploy " + id + " --env staging --artifact model.bin --key keys/deployer.key");
  CHECK(Json(0, "approval show " + id)["gates"]["production"]["passes"] == true);

  std::string text = Expect(0, "approval show " + id);
  CHECK(text.find("state        active") != std::string::npos);
  CHECK(text.find("  bob              key ") != std::string::npos);
  CHECK(text.find("  production       2 of 2 distinct approvers") != std::string::npos);
  CHECK(text.find("  production       passes") != std::string::npos);
  CHECK(Expect(2, "approval show apv-nope").find("no approval apv-nope") != std::string::npos);
  CHECK(Expect(2, "approval").find("A subcommand is required") != std::string::npos);
}

TEST_CASE_FIXTURE(AuditCli, "history: the model's timeline with ledger sequences and filters") {
  const std::string v1 = Release("1", "weights v1", "staging,production");
  Expect(0, "cosign " + v1 + " --key keys/bob.key");
  Expect(0, "deploy " + v1 + " --env staging --artifact model.bin --key keys/deployer.key");
  // Another model's entries stay out of fraud's history.
  REQUIRE(WriteFileAtomic(dir_ / "other.bin", "other").ok());
  Expect(0, "train --model churn --version 1 --artifact other.bin --key keys/trainer.key "
            "--out churn.json");
  Expect(0, "revoke --approval " + v1 + " --reason 'drift' --key keys/alice.key");
  Expect(1, "deploy " + v1 + " --env production --artifact model.bin --key keys/deployer.key");

  auto events = Json(0, "history fraud")["events"];
  std::vector<std::string> types;
  int64_t previous = 0;
  for (const auto& e : events) {
    types.push_back(e["type"]);
    CHECK(e["sequence"].get<int64_t>() > previous);  // ledger order, real sequences
    previous = e["sequence"];
  }
  CHECK(types == std::vector<std::string>{"training.recorded", "approval.issued",
                                          "approval.cosigned", "deploy.allowed",
                                          "approval.revoked", "deploy.denied"});
  // The sequences are the ledger's: the same entry in `ledger list`.
  const int64_t deployed_at = events[3]["sequence"];
  auto ledger = Json(0, "ledger list --from " + std::to_string(deployed_at) + " --limit 1");
  CHECK(ledger.dump().find("deploy.allowed") != std::string::npos);
  CHECK(events[5]["summary"].get<std::string>().find("deploy to production denied") !=
        std::string::npos);

  // --env production drops the staging deployment, keeps what names no
  // environment and what names production.
  std::vector<std::string> production;
  const nlohmann::json filtered = Json(0, "history fraud --env production");
  for (const auto& e : filtered["events"]) {
    production.push_back(e["type"]);
  }
  CHECK(production == std::vector<std::string>{"training.recorded", "approval.issued",
                                               "approval.cosigned", "approval.revoked",
                                               "deploy.denied"});
  CHECK(Expect(0, "history fraud --since 2999-01-01T00:00:00Z") == "no entries match\n");
  std::string table = Expect(0, "history fraud");
  CHECK(table.find("SEQ") != std::string::npos);
  CHECK(table.find("approval.revoked") != std::string::npos);
  CHECK(Expect(2, "history nobody").find("no ledger entry is about model nobody") !=
        std::string::npos);
  CHECK(Expect(2, "history fraud --since yesterday").find("--since") != std::string::npos);
}

TEST_CASE_FIXTURE(AuditCli, "a store written behind mgov's back is refused or shown as invalid") {
  const std::string id = Release("1", "weights v1", "staging");
  Expect(0, "cosign " + id + " --key keys/bob.key");
  Expect(0, "history fraud");
  CHECK(StateOf(id) == "active");
  // An edited ledger entry: no history is told from it.
  Sql("UPDATE ledger SET actor = 'mallory' WHERE type = 'training.recorded'");
  CHECK(Expect(1, "history fraud").find("ledger: entry") != std::string::npos);
  Sql("UPDATE ledger SET actor = 'trainer' WHERE type = 'training.recorded'");
  Expect(0, "history fraud");
  // An approval row that no longer matches what the approvers signed: listed
  // as invalid, with the reason, never as active.
  Sql("UPDATE approvals SET model_version = '9'");
  auto list = Json(0, "approval list")["approvals"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["state"] == "invalid");
  CHECK(list[0]["state_reason"] == "the stored row does not match its signed statement");
  CHECK(Json(0, "approval show " + id)["gates"]["staging"]["passes"] == false);
  // The newest ledger entry rewritten: the signed snapshot no longer matches.
  Sql("UPDATE ledger SET actor = 'mallory' WHERE sequence = (SELECT MAX(sequence) FROM ledger)");
  CHECK(Expect(1, "approval list").find("snapshot") != std::string::npos);
}

TEST_CASE_FIXTURE(AuditCli, "diff: what changed between two approved releases") {
  REQUIRE(WriteFileAtomic(dir_ / "m1.yaml", "accuracy: 0.91\nf1_score: 0.80\n").ok());
  REQUIRE(WriteFileAtomic(dir_ / "m2.yaml", "accuracy: 0.93\nlatency_ms: 40\n").ok());
  REQUIRE(WriteFileAtomic(dir_ / "man1.yaml", "spec:\n  owner: risk\n  data: s3://a\n").ok());
  REQUIRE(WriteFileAtomic(dir_ / "man2.yaml", "spec:\n  owner: risk\n  data: s3://b\n").ok());
  const std::string a = Release("1", "weights v1", "staging",
                                "--metrics m1.yaml --manifest man1.yaml --dataset-version d1");
  const std::string b = Release("2", "weights v2", "staging,production",
                                "--metrics m2.yaml --manifest man2.yaml --dataset-version d2");
  Expect(0, "cosign " + b + " --key keys/bob.key");
  auto j = Json(0, "diff " + a + " " + b);
  CHECK(j["from"]["approval_id"] == a);
  CHECK(j["to"]["model_version"] == "2");
  std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> got;
  for (const auto& c : j["changes"]) {
    got[c["section"].get<std::string>() + c["path"].get<std::string>()] = {c["before"], c["after"]};
  }
  using P = std::pair<nlohmann::json, nlohmann::json>;
  CHECK(got["metrics/accuracy"] == P(0.91, 0.93));
  CHECK(got["metrics/f1_score"] == P(0.80, nullptr));
  CHECK(got["metrics/latency_ms"] == P(nullptr, 40));
  CHECK(got["manifest/spec/data"] == P("s3://a", "s3://b"));
  CHECK(got.count("manifest/spec/owner") == 0);  // unchanged
  CHECK(got["decision_stack/dataset_version"] == P("d1", "d2"));
  CHECK(got["approval/model_version"] == P("1", "2"));
  CHECK(got["approval/environments"] ==
        P(nlohmann::json{"staging"}, nlohmann::json{"staging", "production"}));
  CHECK(got["approval/approvers"] ==
        P(nlohmann::json{"alice"}, nlohmann::json{"alice", "bob"}));
  CHECK(got.count("approval/artifact_digest") == 1);
  // The same approval twice: nothing changed.
  CHECK(Expect(0, "diff " + a + " " + a).find("no changes") != std::string::npos);
  std::string table = Expect(0, "diff " + a + " " + b);
  CHECK(table.find("metrics         /accuracy") != std::string::npos);
  CHECK(Expect(2, "diff " + a + " apv-nope").find("no approval apv-nope") != std::string::npos);
  // A stored training output swapped for another: refused, not compared.
  Sql("UPDATE training_outputs SET envelope = (SELECT envelope FROM training_outputs "
      "WHERE model_version = '2') WHERE model_version = '1'");
  CHECK(Expect(2, "diff " + a + " " + b).find("is not the one it approved") != std::string::npos);
}

TEST_CASE_FIXTURE(AuditCli, "audit --at: the five answers with proofs against a checkpoint") {
  const std::string id = Release("1", "weights v1", "staging", "--dataset-version d1");
  Expect(0, "cosign " + id + " --key keys/bob.key");
  Expect(0, "ledger checkpoint --out before.json");
  Expect(0, "deploy " + id + " --env staging --artifact model.bin --key keys/deployer.key");
  Expect(0, "ledger checkpoint --out after.json");
  const std::string later = "2999-01-01T00:00:00Z";

  auto j = Json(0, "audit fraud --env staging --at " + later + " --checkpoint after.json");
  CHECK(j["deployed"] == true);
  CHECK(j["deployment"]["approval_id"] == id);
  CHECK(j["deployment"]["model_version"] == "1");
  CHECK(j["deployment"]["kind"] == "deploy.allowed");
  CHECK(j["deployment"]["deployed_by"] == "deployer");
  CHECK(j["approval"]["approvers"] == nlohmann::json{"alice", "bob"});
  CHECK(j["policy"]["evaluated"] == false);
  CHECK(j["training"]["type"] == "training.recorded");
  CHECK(j["changes"].is_null());
  CHECK(j["monitoring"].empty());
  Expect(0, "ledger verify --checkpoint after.json");
  const auto& proofs = j["proofs"];
  CHECK(proofs["citations"].size() == 4);
  for (const auto& c : proofs["citations"]) CHECK(c["verified"] == true);
  std::string text = Expect(0, "audit fraud --env staging --at " + later + " --checkpoint after.json");
  CHECK(text.find("deployed      version 1") != std::string::npos);
  CHECK(text.find("proofs        4 of 4 cited entries included") != std::string::npos);

  // A checkpoint from before the deployment cannot prove it: exit 1, and why.
  std::string early = Expect(1, "audit fraud --env staging --at " + later + " --checkpoint before.json");
  CHECK(early.find("is after the checkpoint's") != std::string::npos);
  // Before anything was deployed: the answer is that nothing was.
  CHECK(Json(0, "audit fraud --env staging --at 2000-01-01T00:00:00Z")["deployed"] == false);
  CHECK(Expect(2, "audit fraud --env staging --at yesterday").find("--at") != std::string::npos);
  CHECK(Expect(2, "audit fraud --at " + later).find("--env") != std::string::npos);
}

}  // namespace
}  // namespace governance
