// Latency of the governance actions on the embedded SQLite store: approve
// (policy-less and with the default bundle), co-sign, and the serving gate.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>

#include "core/document.h"
#include "governance/administration.h"
#include "governance/coordinator.h"
#include "governance/store.h"

namespace gov = governance;

namespace {

struct World {
  World() {
    dir = std::filesystem::temp_directory_path() / ("mgov-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    gov::StoreOptions options;
    options.ledger_key = *gov::GeneratePrivateKey();
    store = std::move(*gov::OpenStore("sqlite:" + (dir / "g.db").string(), options));
    (void)store->Migrate();
    gov::InitRequest init;
    init.admins = {{"admin", admin.public_key()}};
    init.signing_admins = {&admin};
    init.online_key = options.ledger_key->public_key();
    planes.trust = gov::PinnedTrust(gov::InitializeGovernance(*store, init)->root.envelope);
    gov::Administration administration(*store, planes);
    auto enrol = [&](const char* who, gov::Role role) {
      auto key = *gov::GeneratePrivateKey();
      (void)administration.EnrollKey(key.public_key(), who, {role}, admin);
      return key;
    };
    trainer = enrol("trainer", gov::Role::kTrainer);
    alice = enrol("alice", gov::Role::kApprover);
    bob = enrol("bob", gov::Role::kApprover);
    std::ofstream(dir / "model.bin") << std::string(1 << 20, 'w');
    gov::TrainingPlane training(*store, planes);
    gov::TrainingRequest req;
    req.model_id = "fraud";
    req.model_version = "1";
    req.artifact_path = (dir / "model.bin").string();
    req.manifest = *gov::LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml");
    output = *training.Record(req, trainer);
  }
  ~World() { std::filesystem::remove_all(dir); }

  std::filesystem::path dir;
  std::unique_ptr<gov::Store> store;
  gov::PrivateKey admin = *gov::GeneratePrivateKey();
  gov::PlaneOptions planes;
  gov::PrivateKey trainer = *gov::GeneratePrivateKey(), alice = trainer, bob = trainer;
  gov::SignedTrainingOutput output;
};

World& TheWorld() {
  static World* w = new World();
  return *w;
}

void BM_Approve(benchmark::State& state) {
  World& w = TheWorld();
  gov::GovernancePlane governance(*w.store, w.planes);
  gov::ApprovalRequest req;
  req.environments = {"staging"};
  for (auto _ : state) benchmark::DoNotOptimize(governance.Approve(w.output.envelope, req, w.alice));
}
BENCHMARK(BM_Approve)->Unit(benchmark::kMicrosecond);

void BM_ApproveWithDefaultPolicy(benchmark::State& state) {
  World& w = TheWorld();
  auto bundle = gov::LoadPolicyBundle(std::string(GOV_SOURCE_DIR) + "/policies");
  gov::Administration administration(*w.store, w.planes);
  (void)administration.RequirePolicy(*bundle, {"development"}, w.admin);
  gov::GovernancePlane governance(*w.store, w.planes);
  gov::ApprovalRequest req;
  req.environments = {"development"};
  for (auto _ : state) benchmark::DoNotOptimize(governance.Approve(w.output.envelope, req, w.alice));
}
BENCHMARK(BM_ApproveWithDefaultPolicy)->Unit(benchmark::kMicrosecond);

void BM_Cosign(benchmark::State& state) {
  World& w = TheWorld();
  gov::GovernancePlane governance(*w.store, w.planes);
  gov::ApprovalRequest req;
  req.environments = {"staging"};
  for (auto _ : state) {
    state.PauseTiming();
    auto a = governance.Approve(w.output.envelope, req, w.alice);
    state.ResumeTiming();
    benchmark::DoNotOptimize(governance.Cosign(a->approval.approval_id, w.bob));
  }
}
BENCHMARK(BM_Cosign)->Unit(benchmark::kMicrosecond);

void BM_VerifyGate(benchmark::State& state) {
  World& w = TheWorld();
  gov::GovernancePlane governance(*w.store, w.planes);
  gov::ApprovalRequest req;
  req.environments = {"staging"};
  auto a = governance.Approve(w.output.envelope, req, w.alice);
  (void)governance.Cosign(a->approval.approval_id, w.bob);
  gov::ServingPlane serving(*w.store, w.planes);
  // Without the artifact: the gate's own cost, not the 1 MiB hash.
  gov::GateRequest gate{a->approval.approval_id, "staging", "", std::nullopt, std::nullopt,
                       std::nullopt};
  for (auto _ : state) benchmark::DoNotOptimize(serving.Verify(gate, "bench"));
}
BENCHMARK(BM_VerifyGate)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
