// The example coordinator: one model's whole life under governance, on the
// embedded SQLite store, printing what happens at each step.
//
//   coordinator --workdir DIR
//
// It plays every party in turn (an admin, a trainer, two approvers, a
// deployer, a security officer), each with a key of its own: no single key
// could carry the model from training to production. The admin signs the
// governance root and enrols the others; every plane then trusts only what
// that root vouches for.
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "governance/administration.h"
#include "governance/artifact.h"
#include "governance/coordinator.h"
#include "governance/drift.h"
#include "governance/integrity.h"
#include "governance/ledger.h"
#include "governance/store.h"

namespace gov = governance;

namespace {

int step = 0;

void Step(const std::string& what) { std::cout << "\n[" << ++step << "] " << what << "\n"; }

// Ends the program when `s` is an error: an example should fail loudly.
template <typename T>
T Must(gov::StatusOr<T> s, const char* what) {
  if (!s.ok()) {
    std::cerr << "coordinator: " << what << ": " << s.status() << "\n";
    std::exit(2);
  }
  return std::move(*s);
}
void Must(const gov::Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << "coordinator: " << what << ": " << s << "\n";
    std::exit(2);
  }
}

void PrintGates(const gov::PromotionResult& r) {
  for (const auto& g : r.gates) {
    std::cout << "    " << (g.skipped ? "SKIP" : g.passed ? "PASS" : "FAIL") << "  " << g.name
              << ": " << g.reason << "\n";
  }
  std::cout << "    => " << (r.promoted ? "ALLOWED" : "DENIED") << " (ledger entry "
            << r.ledger_sequence << ")\n";
}

// A real safetensors file (8-byte little-endian header length, a JSON
// header, the tensor's bytes): the default policy judges the artifact's
// bytes, and a file that only claims the format is denied.
void WriteSafetensors(const std::string& path, const std::vector<float>& weights) {
  const size_t bytes = weights.size() * sizeof(float);
  const std::string header = "{\"dense.weight\":{\"dtype\":\"F32\",\"shape\":[" +
                             std::to_string(weights.size()) + "],\"data_offsets\":[0," +
                             std::to_string(bytes) + "]}}";
  std::ofstream f(path, std::ios::binary);
  for (size_t i = 0, n = header.size(); i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xff));
  f << header;
  f.write(reinterpret_cast<const char*>(weights.data()), static_cast<std::streamsize>(bytes));
}

// What the training pipeline declares about the model: the manifest the
// default policy reads (examples/manifests/valid.yaml, as JSON).
const char* kManifest = R"({"spec": {
  "model": {"name": "fraud-detector", "version": "1.4.0", "framework": "pytorch",
            "experiment_id": "mlflow-4821"},
  "metrics": {"accuracy": 0.93, "f1_score": 0.88, "latency_p95_ms": 42},
  "fairness": {"demographic_parity": 0.04}, "drift": {"score": 0.12},
  "dependencies": ["torch>=2.1", "numpy>=1.26", "scikit-learn>=1.4"],
  "data_sources": [{"name": "transactions_2024", "approved": true}],
  "artifact": {"format": "safetensors"},
  "documentation": {"model_card": {
    "intended_use": "Flag card transactions for manual fraud review.",
    "limitations": "Trained on EU transactions only; not validated elsewhere.",
    "owners": ["risk-ml@example.com"]}}}})";

void WriteCsv(const std::string& path, double shift) {
  std::ofstream f(path);
  f << "amount,merchant\n";
  for (int i = 0; i < 400; ++i) {
    f << (i % 97) * 1.5 + shift << "," << (i % 3 == 0 ? "grocery" : "travel") << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string workdir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--workdir" && i + 1 < argc) {
      workdir = argv[++i];
    } else {
      std::cerr << "usage: coordinator --workdir DIR\n";
      return 2;
    }
  }
  if (workdir.empty()) {
    std::cerr << "usage: coordinator --workdir DIR\n";
    return 2;
  }
  namespace fs = std::filesystem;
  fs::create_directories(workdir);
  const std::string db = workdir + "/governance.db";
  fs::remove(db);

  Step("Open the governance store (SQLite, " + db + ") with a fresh ledger key");
  gov::PrivateKey ledger_key = Must(gov::GeneratePrivateKey(), "ledger key");
  gov::StoreOptions options;
  options.ledger_key = ledger_key;
  auto store = Must(gov::OpenStore("sqlite:" + db, options), "open store");
  Must(store->Migrate(), "migrate");

  Step("The admin signs the governance root; this process pins it");
  gov::PrivateKey admin = Must(gov::GeneratePrivateKey(), "admin key");
  gov::InitRequest init;
  init.admins = {{"platform-admin", admin.public_key()}};
  init.signing_admins = {&admin};
  init.online_key = ledger_key.public_key();
  auto root = Must(gov::InitializeGovernance(*store, init), "initialise governance");
  gov::PlaneOptions planes;
  planes.trust = gov::PinnedTrust(root.root.envelope);
  std::cout << "    root v1 " << root.root.digest.substr(0, 19) << "…, admin threshold 1 of 1\n";

  Step("The admin enrols one key per party, each with only the role it needs");
  gov::Administration administration(*store, planes);
  auto enrol = [&](const std::string& identity, std::vector<gov::Role> roles) {
    gov::PrivateKey key = Must(gov::GeneratePrivateKey(), "generate key");
    gov::ChangeOutcome change =
        Must(administration.EnrollKey(key.public_key(), identity, roles, admin), "enrol key");
    std::cout << "    " << identity << "  " << key.keyid().substr(0, 16) << "  (" << change.change_id
              << ")\n";
    return key;
  };
  gov::PrivateKey trainer = enrol("training-pipeline", {gov::Role::kTrainer});
  gov::PrivateKey alice = enrol("alice@risk", {gov::Role::kApprover});
  gov::PrivateKey bob = enrol("bob@ml-platform", {gov::Role::kApprover});
  gov::PrivateKey deployer = enrol("deploy-bot", {gov::Role::kDeployer});
  gov::PrivateKey security = enrol("security-officer", {gov::Role::kApprover});

  Step("Training plane: hash the model directory and sign a TrainingOutput");
  const std::string model_dir = workdir + "/fraud-model";
  fs::create_directories(model_dir);
  WriteSafetensors(model_dir + "/weights.safetensors", {0.12f, -0.5f, 0.33f, 0.9f});
  std::ofstream(model_dir + "/config.json") << R"({"layers": 4})";
  gov::TrainingPlane training(*store, planes);
  gov::TrainingRequest req;
  req.model_id = "fraud-detector";
  req.model_version = "1.4.0";
  req.artifact_path = model_dir;
  req.metrics = {{"accuracy", 0.93}, {"f1_score", 0.88}, {"loss", 0.21}};
  req.decision_stack = {"transactions-2026-10", "git:4f2c1a9", "",
                        {{"features", "merchant_features_v3"}, {"tokenizer", "bpe-32k@2"}}};
  // The release record production requires: who answers for it, and when
  // it is rolled back, written before it ships.
  req.release_notes = gov::ReleaseNotes{
      .what_changed = "Retrained on October transactions with merchant features v3.",
      .why = "Recall on card-not-present fraud fell four points since June.",
      .data = {"transactions-2026-10"},
      .channels_tested = {"web", "android"},
      .expected_benefits = {"+3 points recall at the same precision"},
      .known_risks = {"Fewer labels for merchants onboarded in October"},
      .rollback_trigger = "precision below 0.90 over 24 h, or drift score above 0.30",
      .owners = {"risk-ml@example.com"}};
  req.manifest = nlohmann::json::parse(kManifest);
  auto out = Must(training.Record(req, trainer), "train");
  std::cout << "    artifact " << out.output.artifact.digest << " (" << out.output.artifact.files.size()
            << " files)\n    training output " << out.digest << "\n";

  Step("Governance plane: the default policy judges the manifest and the artifact's bytes; alice approves");
  gov::GovernancePlane governance(*store, planes);
  gov::ApprovalRequest approval_req;
  approval_req.environments = {"staging", "production"};
  auto approval = Must(governance.Approve(out.envelope, approval_req, alice), "approve");
  if (!approval.approved) {
    std::cerr << "coordinator: approval denied:\n";
    for (const auto& d : approval.denials) std::cerr << "  - " << d << "\n";
    return 1;
  }
  const std::string id = approval.approval.approval_id;
  std::cout << "    policy bundle " << approval.approval.policy.bundle_digest.substr(0, 19)
            << "… allowed it (" << approval.warnings.size() << " warnings)\n";
  std::cout << "    approval " << id << ", needs " << approval.approval.required_approvers
            << " distinct approvers (production's floor)\n";

  Step("Serving plane: production is refused while only one approver has signed");
  gov::ServingPlane serving(*store, planes);
  gov::GateRequest gate{id, "production", "", model_dir, std::nullopt, std::nullopt};
  PrintGates(Must(serving.Verify(gate, "coordinator"), "verify"));

  Step("bob co-signs: quorum of two distinct approvers");
  auto cosign = Must(governance.Cosign(id, bob), "cosign");
  std::cout << "    " << cosign.distinct_approvers << " of " << cosign.required_approvers
            << " approvers, quorum " << (cosign.quorum_met ? "met" : "not met") << "\n";

  Step("Deploy to staging, then production (production requires staging first)");
  gov::GateRequest staging{id, "staging", "", model_dir, std::nullopt, std::nullopt};
  PrintGates(Must(serving.Deploy(staging, deployer), "deploy staging"));
  auto production = Must(serving.Deploy(gate, deployer), "deploy production");
  PrintGates(production);
  if (!production.promoted) return 1;

  Step("Monitoring: the serving data has not drifted from the training data");
  WriteCsv(workdir + "/reference.csv", 0.0);
  WriteCsv(workdir + "/current.csv", 0.0);
  auto drift = Must(gov::CheckDatasetDrift(workdir + "/reference.csv", workdir + "/current.csv", {}),
                    "drift");
  std::cout << "    " << drift.drifted_columns << " of " << drift.columns.size()
            << " columns drifted: dataset drift " << (drift.drifted ? "YES" : "no") << "\n";

  Step("Security revokes the model: a leak was found in its training data");
  Must(governance.RevokeModel("fraud-detector", "training data leak (INC-2231)", security).status(),
       "revoke");

  Step("Re-deploying the revoked model is denied, and the denial is evidence too");
  auto denied = Must(serving.Deploy(gate, deployer), "re-deploy");
  PrintGates(denied);

  Step("Auditor: verify the evidence ledger");
  std::vector<gov::LedgerEntry> entries;
  Must(store->Read([&](gov::StoreTransaction& txn) -> gov::Status {
         GOV_ASSIGN_OR_RETURN(entries, txn.ReadLedger());
         return gov::Status();
       }),
       "read ledger");
  for (const auto& e : entries) {
    std::cout << "    " << e.sequence << "  " << e.type << "  " << e.actor << "\n";
  }
  gov::IntegrityReport audit;
  Must(store->Read([&](gov::StoreTransaction& txn) -> gov::Status {
         GOV_ASSIGN_OR_RETURN(audit, gov::AuditStoreIntegrity(txn, *planes.trust,
                                                              static_cast<int64_t>(std::time(nullptr)), std::nullopt));
         return gov::Status();
       }),
       "audit");
  std::cout << "    ledger " << (audit.ledger.ok ? "verifies" : "FAILS") << ": "
            << audit.ledger.entries << " entries, Merkle root "
            << audit.ledger.root_hash.substr(0, 16) << "…; " << audit.rows_checked
            << " rows match it" << (audit.ok() ? "" : " — STORE FAILS its audit") << "\n";
  if (!audit.ok() || denied.promoted || drift.drifted) return 1;
  std::cout << "\ncoordinator: done — model approved by 2 of 2, deployed, revoked, "
               "re-deploy denied, ledger verified\n";
  return 0;
}
