// Every table of the store, edited, emptied or given a row behind mgov's
// back, on SQLite and on PostgreSQL: the gate fails closed and names what
// does not verify (but for an entry in the middle of the ledger, which no gate
// reads), and the whole-store audit (`mgov ledger verify`) names the table.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "core/document.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/administration.h"
#include "governance/coordinator.h"
#include "governance/integrity.h"
#include "governance/state.h"
#include "store/store_backends.h"
#include "test_util.h"

namespace governance {
namespace {

constexpr int64_t kNow = 1'800'000'000;

// A store in use: a required policy bundle, five keys, one model deployed to
// staging and production with two approvers, a second model approved and
// revoked.
class Fleet {
 public:
  explicit Fleet(const testing::Backend& backend) {
    StoreOptions options;
    options.ledger_key = testing::TestLedgerKey();
    options.clock = [this] { return now_; };
    store_ = backend.open(options);
    planes_.clock = [this] { return now_; };
    auto bundle = LoadPolicyBundle(std::string(GOV_SOURCE_DIR) + "/policies");
    REQUIRE(bundle.ok());
    InitRequest init;
    init.admins = {{"admin", admin_.public_key()}};
    init.signing_admins = {&admin_};
    init.online_key = options.ledger_key->public_key();
    init.policy = *bundle;
    auto root = InitializeGovernance(*store_, init, planes_);
    REQUIRE_MESSAGE(root.ok(), root.status().ToString());
    planes_.trust = PinnedTrust(root->root.envelope);
    Administration admin(*store_, planes_);
    auto enrol = [&](const char* who, std::vector<Role> roles) {
      PrivateKey key = *GeneratePrivateKey();
      auto out = admin.EnrollKey(key.public_key(), who, roles, admin_);
      REQUIRE_MESSAGE(out.ok(), out.status().ToString());
      return key;
    };
    PrivateKey trainer = enrol("trainer", {Role::kTrainer});
    PrivateKey alice = enrol("alice", {Role::kApprover});
    PrivateKey bob = enrol("bob", {Role::kApprover});
    deployer_ = enrol("deployer", {Role::kDeployer});
    auto manifest = LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml");
    REQUIRE(manifest.ok());
    // Real safetensors bytes: the default bundle judges them, not the manifest's claim.
    REQUIRE(WriteFileAtomic(dir_ / "fraud.bin", testing::Safetensors("weights")).ok());
    REQUIRE(WriteFileAtomic(dir_ / "churn.bin", testing::Safetensors("other weights")).ok());
    TrainingPlane training(*store_, planes_);
    GovernancePlane governance(*store_, planes_);
    auto approve = [&](const std::string& model, std::vector<std::string> envs) {
      TrainingRequest req;
      req.model_id = model;
      req.model_version = "1";
      req.artifact_path = dir_ / (model + ".bin");
      req.manifest = *manifest;
      req.release_notes.emplace();
      req.release_notes->rollback_trigger = "accuracy below 0.90";
      req.release_notes->owners = {"ml@example.com"};
      auto out = training.Record(req, trainer);
      REQUIRE_MESSAGE(out.ok(), out.status().ToString());
      ApprovalRequest a;
      a.environments = std::move(envs);
      auto outcome = governance.Approve(out->envelope, a, alice);
      REQUIRE_MESSAGE(outcome.ok(), outcome.status().ToString());
      REQUIRE(outcome->approved);
      REQUIRE(governance.Cosign(outcome->approval.approval_id, bob).ok());
      return outcome->approval.approval_id;
    };
    fraud_ = approve("fraud", {"staging", "production"});
    churn_ = approve("churn", {"staging"});
    REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(ApprovalRecord record, t.GetApproval(fraud_));
      GOV_ASSIGN_OR_RETURN(ModelApproval a, ParseApprovalStatement(record.envelope.payload, "a"));
      a.expires_at += 365 * 86400;
      fraud_extended_ = Base64Encode(ApprovalStatement(a));
      return Status();
    }).ok());
    REQUIRE(Deploy("staging")->promoted);
    REQUIRE(Deploy("production")->promoted);
    REQUIRE(governance.RevokeModel("churn", "leak", bob).ok());
    REQUIRE(Audit().ok());
    REQUIRE(Gate()->promoted);
  }

  StatusOr<PromotionResult> Deploy(const std::string& env) {
    ServingPlane serving(*store_, planes_);
    GateRequest req{fraud_, env, "", dir_ / "fraud.bin", std::nullopt, std::nullopt};
    return serving.Deploy(req, deployer_);
  }

  // What a serving host asks: may fraud run in production?
  StatusOr<PromotionResult> Gate() {
    ServingPlane serving(*store_, planes_);
    GateRequest req{fraud_, "production", "", dir_ / "fraud.bin", std::nullopt, std::nullopt};
    return serving.Verify(req);
  }

  IntegrityReport Audit() {
    IntegrityReport report;
    REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(report, AuditStoreIntegrity(t, *planes_.trust, now_, std::nullopt));
      return Status();
    }).ok());
    return report;
  }

  void Sql(const std::string& sql) {
    auto conn = testing::OpenTestConnection(store_->url());
    REQUIRE(conn->Begin(false).ok());
    auto r = conn->Query(sql);
    REQUIRE_MESSAGE(r.ok(), sql << ": " << r.status().ToString());
    REQUIRE(conn->Commit().ok());
  }

  std::string fraud_, churn_;
  // fraud's statement, base64 as stored, with a year more of validity: what
  // a store writer would sign if it could.
  std::string fraud_extended_;

 private:
  testing::TempDir dir_;
  int64_t now_ = kNow;
  PrivateKey admin_ = *GeneratePrivateKey();
  PrivateKey deployer_ = admin_;
  PlaneOptions planes_;
  std::unique_ptr<Store> store_;
};

// Everything the audit says, in one string.
std::string Everything(const IntegrityReport& r) {
  std::string out = r.ledger.reason + "\n" + r.trust_problem + "\n" + r.snapshot_problem + "\n";
  for (const auto& p : r.problems) out += "table " + p.table + ": " + p.what + "\n";
  return out;
}

struct Tampering {
  const char* table;
  const char* what;       // edit, delete, insert
  std::string sql;        // {fraud} and {churn} stand for the approval ids (here and in
                          // the messages), {fraud_extended} for fraud's statement with a
                          // later expiry
  const char* gate;       // the gate that fails first; null: none (the audit alone sees it)
  const char* gate_says;  // part of its reason
  const char* audit_says; // part of what the audit reports
};

std::string Fill(std::string sql, const Fleet& fleet) {
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"{fraud}", fleet.fraud_},
        {"{churn}", fleet.churn_},
        {"{fraud_extended}", fleet.fraud_extended_}}) {
    for (size_t at = sql.find(key); at != std::string::npos; at = sql.find(key)) {
      sql.replace(at, key.size(), value);
    }
  }
  return sql;
}

const std::vector<Tampering>& Tamperings() {
  static const std::vector<Tampering> kAll = {
      {"roots", "edit", "UPDATE roots SET state = 'pending'", "trust",
       "the store has no governance root", "the store has no governance root"},
      {"roots", "delete", "DELETE FROM roots", "trust", "the store has no governance root",
       "the store has no governance root"},
      {"roots", "insert",
       "INSERT INTO roots SELECT 2, 'applied', envelope FROM roots WHERE version = 1", "trust",
       "the store holds two roots of version 1", "the store holds two roots of version 1"},
      {"governance_changes", "delete",
       "DELETE FROM governance_changes WHERE sequence = (SELECT MAX(sequence) FROM "
       "governance_changes)",
       "trust", "table keys holds key", "table keys holds key"},
      {"governance_changes", "edit",
       "UPDATE governance_changes SET envelope = (SELECT envelope FROM governance_changes WHERE "
       "sequence = 2) WHERE sequence = 3",
       "trust", "governance change 3", "governance change 3"},
      {"governance_changes", "insert",
       "INSERT INTO governance_changes SELECT 'chg-forged', (SELECT MAX(sequence) FROM "
       "governance_changes) + 1, 'applied', envelope, 99 FROM governance_changes WHERE sequence = 2",
       "trust", "is out of place in the chain",
       "table governance_changes: chg-forged is applied, but no ledger entry applied it"},
      {"keys", "edit", "UPDATE keys SET roles = 'approver,deployer' WHERE identity = 'deployer'",
       "trust", "table keys: key", "table keys: key"},
      {"keys", "delete", "DELETE FROM keys WHERE identity = 'alice'", "trust",
       "table keys is missing key", "table keys is missing key"},
      {"keys", "insert",
       "INSERT INTO keys SELECT 'ab' || keyid, 'mallory', roles, public_key_pem, enrolled_at, 0, 0, "
       "'' FROM keys WHERE identity = 'alice'",
       "trust", "(mallory, approver) that no signed governance change enrolled",
       "that no signed governance change enrolled"},
      {"policy_bundles", "edit", "UPDATE policy_bundles SET files = '{\"files\":[]}'", "snapshot",
       "table policy_bundles was edited outside mgov", "table policy_bundles"},
      {"policy_bundles", "delete", "DELETE FROM policy_bundles", "snapshot",
       "table policy_bundles has 0 rows, the snapshot signed 1", "table policy_bundles"},
      {"policy_bundles", "insert",
       "INSERT INTO policy_bundles SELECT 'sha256:forged', files FROM policy_bundles", "snapshot",
       "table policy_bundles has 2 rows, the snapshot signed 1",
       "table policy_bundles: bundle sha256:forged… was stored by no ledger entry"},
      // fraud's training output replaced by churn's, signed by the same trainer.
      {"training_outputs", "edit the payload",
       "UPDATE training_outputs SET envelope = (SELECT envelope FROM training_outputs WHERE "
       "model_id = 'churn') WHERE model_id = 'fraud'",
       "policy", "the stored training output does not hash to the digest the approval names",
       "table training_outputs"},
      // The trainer's signature (the 88 base64 characters before the envelope's
      // final newline) replaced by another valid one: alice's on fraud's approval.
      {"training_outputs", "edit the signature",
       "UPDATE training_outputs SET envelope = replace(envelope, substr(envelope, "
       "length(envelope) - 88, 88), (SELECT sig FROM approval_signatures WHERE approval_id = "
       "'{fraud}' AND position = 0)) WHERE model_id = 'fraud'",
       "policy", "the trainer's signature on the training output does not verify",
       "its trainer's signature does not verify (edited)"},
      {"training_outputs", "delete", "DELETE FROM training_outputs", "snapshot",
       "table training_outputs has 0 rows", "table training_outputs"},
      {"training_outputs", "insert",
       "INSERT INTO training_outputs SELECT 'sha256:forged', model_id, '2', envelope FROM "
       "training_outputs WHERE model_id = 'churn'",
       "snapshot", "table training_outputs has 3 rows, the snapshot signed 2",
       "table training_outputs: 1 row(s) no ledger entry or approval accounts for"},
      {"approvals", "edit", "UPDATE approvals SET model_version = '9' WHERE approval_id = '{fraud}'",
       "statement", "differs from the stored approval (table approvals)", "table approvals"},
      {"approvals", "edit the payload",
       "UPDATE approvals SET payload = '{fraud_extended}' WHERE approval_id = '{fraud}'",
       "signatures", "signature 1 (key", "differs from the statement the ledger recorded (edited)"},
      // Its signatures go first: they reference it (a foreign key).
      {"approvals", "delete",
       "DELETE FROM approval_signatures WHERE approval_id = '{churn}'; DELETE FROM approvals WHERE "
       "approval_id = '{churn}'",
       "snapshot", "table approval_signatures has 2 rows, the snapshot signed 4",
       "table approvals: approval {churn} is missing"},
      {"approvals", "insert",
       "INSERT INTO approvals SELECT 'apv-copy', model_id, model_version, artifact_digest, "
       "payload_type, payload, created_at FROM approvals WHERE approval_id = '{churn}'",
       "snapshot", "table approvals has 3 rows, the snapshot signed 2", "table approvals"},
      // alice's first signature on fraud replaced by hers on churn: the ledger
      // records who signed first, not the bytes.
      {"approval_signatures", "edit",
       "UPDATE approval_signatures SET sig = (SELECT sig FROM approval_signatures WHERE "
       "approval_id = '{churn}' AND position = 0) WHERE approval_id = '{fraud}' AND position = 0",
       "signatures", "signature 1 (key",
       "table approval_signatures: approval {fraud}: the signature by key"},
      {"approval_signatures", "delete",
       "DELETE FROM approval_signatures WHERE approval_id = '{fraud}' AND position = 1", "snapshot",
       "table approval_signatures has 3 rows, the snapshot signed 4", "table approval_signatures"},
      {"approval_signatures", "insert",
       "INSERT INTO approval_signatures SELECT approval_id, 'ab' || keyid, sig, 2 FROM "
       "approval_signatures WHERE approval_id = '{fraud}' AND position = 1",
       "snapshot", "table approval_signatures has 5 rows, the snapshot signed 4",
       "table approval_signatures"},
      {"revocations", "delete", "DELETE FROM revocations", "snapshot",
       "the revocations differ from the ones the snapshot signed (table revocations)",
       "table revocations"},
      {"revocations", "edit", "UPDATE revocations SET target = 'fraud'", "trust",
       "table revocations: the revocation of model fraud", "table revocations"},
      {"revocations", "insert",
       "INSERT INTO revocations SELECT 'approval', '{fraud}', reason, revoked_by, revoked_at, "
       "artifact_digests, envelope FROM revocations",
       "trust", "table revocations: the revocation of approval {fraud} (by bob) differs from its "
       "signed statement", "table revocations"},
      {"deployments", "delete", "DELETE FROM deployments WHERE environment = 'production'",
       "snapshot", "the current deployments differ", "table deployments"},
      {"deployments", "edit",
       "UPDATE deployments SET deployed_by = 'alice' WHERE environment = 'staging'", "snapshot",
       "the current deployments differ", "table deployments"},
      {"deployments", "insert",
       "INSERT INTO deployments SELECT id + 10, 'staging', model_id, model_version, approval_id, "
       "artifact_digest, deployed_by, deployed_at, kind, envelope FROM deployments WHERE "
       "environment = 'production'",
       "snapshot", "the current deployments differ", "table deployments"},
      {"settings", "insert", "INSERT INTO settings VALUES ('governance.config', '{}')", "snapshot",
       "table settings has 2 rows, the snapshot signed 1", "table settings"},
      {"settings", "edit", "UPDATE settings SET value = '0'", "snapshot",
       "Merkle frontier (table settings)", "table settings"},
      {"settings", "delete", "DELETE FROM settings", "snapshot", "Merkle frontier (table settings)",
       "table settings: the stored Merkle frontier does not match the ledger"},
      {"snapshots", "delete", "DELETE FROM snapshots", "snapshot",
       "the store has no signed snapshot", "the store has no signed snapshot"},
      // Its payload's "_type" (base64 of `{"_type":"https://mgov.dev/snapshot/v1"`) says v2.
      {"snapshots", "edit",
       "UPDATE snapshots SET envelope = replace(envelope, "
       "'eyJfdHlwZSI6Imh0dHBzOi8vbWdvdi5kZXYvc25hcHNob3QvdjEi', "
       "'eyJfdHlwZSI6Imh0dHBzOi8vbWdvdi5kZXYvc25hcHNob3QvdjIi')",
       "snapshot", "the snapshot is not signed by an online key of root v1",
       "the snapshot is not signed by an online key of root v1"},
      {"snapshots", "insert", "INSERT INTO snapshots SELECT 2, envelope FROM snapshots", "snapshot",
       "table snapshots holds a row other than the one mgov keeps (id 1)",
       "table snapshots holds a row other than the one mgov keeps (id 1)"},
      {"ledger", "delete", "DELETE FROM ledger WHERE sequence = (SELECT MAX(sequence) FROM ledger)",
       "snapshot", "the ledger holds", "the ledger holds"},
      {"ledger", "insert",
       "INSERT INTO ledger SELECT sequence + 1, timestamp, type, actor, subject, details, hash, "
       "hash, signer_keyid, signature FROM ledger WHERE sequence = (SELECT MAX(sequence) FROM "
       "ledger)",
       "snapshot", "the ledger holds", "content does not match its hash"},
      // The hash column kept: the snapshot's head is the last entry hashed again.
      {"ledger", "edit the last entry",
       "UPDATE ledger SET actor = 'mallory' WHERE sequence = (SELECT MAX(sequence) FROM ledger)",
       "snapshot", "the ledger holds", "content does not match its hash (the entry was edited)"},
      // The one tampering a gate lets through (docs/trust.md, "Limits"): a gate
      // does not hash every entry again, and no gate reads this one.
      {"ledger", "edit an entry in the middle",
       "UPDATE ledger SET actor = 'mallory' WHERE sequence = 3", nullptr, nullptr,
       "content does not match its hash (the entry was edited)"},
      {"schema_version", "edit", "UPDATE schema_version SET version = 2 WHERE version = 3",
       "snapshot", "table schema_version lists migrations 1, 2, 2, mgov wrote 1, 2, 3",
       "table schema_version lists migrations 1, 2, 2, mgov wrote 1, 2, 3"},
      {"schema_version", "delete", "DELETE FROM schema_version WHERE version = 1", "snapshot",
       "table schema_version lists migrations 2, 3, mgov wrote 1, 2, 3",
       "table schema_version lists migrations 2, 3"},
      {"schema_version", "insert", "INSERT INTO schema_version VALUES (2)", "snapshot",
       "table schema_version lists migrations 1, 2, 2, 3, mgov wrote 1, 2, 3",
       "table schema_version lists migrations 1, 2, 2, 3"},
  };
  return kAll;
}

TEST_CASE("every table, tampered with outside mgov, fails the gate and the audit") {
  testing::TempDir dir;
  int backends = 0;
  for (const auto& backend : testing::AllBackends(dir)) {
    if (backend.name == "memory") continue;  // no SQL to go around
    ++backends;
    std::set<std::string> tables;
    for (const Tampering& t : Tamperings()) {
      SUBCASE((backend.name + ": " + t.table + " " + t.what).c_str()) {
        Fleet fleet(backend);
        for (const std::string& sql : {Fill(t.sql, fleet)}) {
          size_t start = 0;
          while (start < sql.size()) {
            size_t end = sql.find("; ", start);
            fleet.Sql(sql.substr(start, end == std::string::npos ? std::string::npos : end - start));
            if (end == std::string::npos) break;
            start = end + 2;
          }
        }
        auto gate = fleet.Gate();
        REQUIRE_MESSAGE(gate.ok(), gate.status().ToString());
        if (!t.gate) {
          CHECK(gate->promoted);
        } else {
          const GateCheck* first = gate->FirstFailure();
          REQUIRE(first != nullptr);
          CHECK(first->name == t.gate);
          INFO(first->reason);
          CHECK(first->reason.find(Fill(t.gate_says, fleet)) != std::string::npos);
        }
        IntegrityReport audit = fleet.Audit();
        CHECK_FALSE(audit.ok());
        INFO(Everything(audit));
        CHECK(Everything(audit).find(Fill(t.audit_says, fleet)) != std::string::npos);
      }
      tables.insert(t.table);
    }
    CHECK(tables.size() == 13);  // every table the store has, snapshots, ledger, schema too
  }
  CHECK(backends == (testing::PostgresTestUrl() ? 2 : 1));
}

TEST_CASE("an edit in the middle of the ledger: the audit names the entry") {
  testing::TempDir dir;
  for (const auto& backend : testing::AllBackends(dir)) {
    if (backend.name == "memory") continue;
    SUBCASE(backend.name.c_str()) {
      Fleet fleet(backend);
      fleet.Sql("UPDATE ledger SET actor = 'mallory' WHERE sequence = 3");
      IntegrityReport audit = fleet.Audit();
      CHECK_FALSE(audit.ledger.ok);
      CHECK(audit.ledger.first_bad_sequence == 3);
      CHECK(audit.ledger.reason == "content does not match its hash (the entry was edited)");
    }
  }
}

}  // namespace
}  // namespace governance
