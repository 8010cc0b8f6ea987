// Evaluating the default bundle (policies/) in-process.
//
//   build/bench/policy/policy_bench
//
// BM_EvaluateValid is the figure to compare with OPA's published 30-90 µs
// for a prepared query (no OPA binary is available here to run side by side);
// the target is a median of at most 10 µs. BM_Reevaluate100k re-evaluates
// 100,000 manifests, as `mgov policy reevaluate` does after a policy change;
// the target is at most 2 s.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "core/document.h"
#include "governance/policy.h"

namespace {

const std::string kRoot = GOV_SOURCE_DIR;

governance::PolicyBundle LoadBundle() {
  auto b = governance::LoadPolicyBundle(kRoot + "/policies");
  if (!b.ok()) {
    std::cerr << b.status() << "\n";
    std::exit(2);
  }
  return *b;
}

nlohmann::json LoadManifest(const std::string& name) {
  auto m = governance::LoadDocument(kRoot + "/examples/manifests/" + name + ".yaml");
  if (!m.ok()) {
    std::cerr << m.status() << "\n";
    std::exit(2);
  }
  return *m;
}

void BM_EvaluateValid(benchmark::State& state) {
  governance::PolicyBundle bundle = LoadBundle();
  nlohmann::json manifest = LoadManifest("valid");
  for (auto _ : state) {
    auto d = bundle.Evaluate(manifest);
    if (!d.ok() || !d->allowed()) state.SkipWithError("unexpected decision");
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_EvaluateValid)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_EvaluateDenied(benchmark::State& state) {
  governance::PolicyBundle bundle = LoadBundle();
  nlohmann::json manifest = LoadManifest("deny_dependency");
  for (auto _ : state) {
    auto d = bundle.Evaluate(manifest);
    if (!d.ok() || d->allowed()) state.SkipWithError("unexpected decision");
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_EvaluateDenied)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_LoadBundle(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(LoadBundle());
}
BENCHMARK(BM_LoadBundle)->Unit(benchmark::kMicrosecond);

// 100,000 distinct manifests (accuracy and version vary), evaluated once each.
void BM_Reevaluate100k(benchmark::State& state) {
  governance::PolicyBundle bundle = LoadBundle();
  nlohmann::json base = LoadManifest("valid");
  std::vector<nlohmann::json> manifests;
  manifests.reserve(100'000);
  for (int i = 0; i < 100'000; ++i) {
    nlohmann::json m = base;
    m["spec"]["metrics"]["accuracy"] = 0.80 + (i % 20) * 0.01;
    m["spec"]["model"]["version"] = "1." + std::to_string(i);
    manifests.push_back(std::move(m));
  }
  for (auto _ : state) {
    size_t denied = 0;
    for (const nlohmann::json& m : manifests) {
      auto d = bundle.Evaluate(m);
      if (!d.ok()) state.SkipWithError(d.status().message().c_str());
      if (!d->allowed()) ++denied;
    }
    state.counters["denied"] = static_cast<double>(denied);
  }
}
BENCHMARK(BM_Reevaluate100k)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

}  // namespace

BENCHMARK_MAIN();
