// Latency of the governance actions on the embedded SQLite store: approve
// (policy-less and with the default bundle), co-sign, and the serving gate.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>

#include "core/document.h"
#include "governed_store.h"

namespace gov = governance;

namespace {

struct World : gov::bench::GovernedStore {
  World() : GovernedStore("mgov-bench") {
    trainer = Enrol("trainer", gov::Role::kTrainer);
    alice = Enrol("alice", gov::Role::kApprover);
    bob = Enrol("bob", gov::Role::kApprover);
    output = Train(trainer, 1 << 20,
                   *gov::LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml"));
  }

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
