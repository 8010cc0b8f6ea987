// The cost of trusting nothing but signatures, for issue "trust root":
//   BM_RawVerify3        3 Ed25519 verifications of an approval (libsodium),
//                        what checking a 3-of-5 quorum costs at the least;
//   BM_BundleFirst       VerifyVerificationBundle as a process's first check
//                        (every signature verified, nothing parsed before);
//   BM_BundleAgain       the same bundle checked again by a long-lived host.
// With --write DIR it instead writes DIR/bundle.json, DIR/root.json and
// DIR/model.bin and DIR/signers.hex for the process-level comparison in run_trust_bench.sh.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/file.h"
#include "core/verification_cache.h"
#include "governed_store.h"
#include "governance/verification_bundle.h"

namespace gov = governance;

namespace {

struct Quorum3of5 : gov::bench::GovernedStore {
  Quorum3of5()
      : GovernedStore("mgov-trust-bench",
                      [](gov::GovernanceConfig& config) { config.Find("staging")->min_approvers = 3; }) {
    gov::PrivateKey trainer = Enrol("trainer", gov::Role::kTrainer);
    for (int i = 0; i < 5; ++i) approvers.push_back(Enrol("approver-" + std::to_string(i), gov::Role::kApprover));
    const gov::SignedTrainingOutput out = Train(trainer, 1 << 16);
    gov::GovernancePlane governance(*store, planes);
    gov::ApprovalRequest a;
    a.environments = {"staging"};
    auto outcome = governance.Approve(out.envelope, a, approvers[0]);
    approval_id = outcome->approval.approval_id;
    (void)governance.Cosign(approval_id, approvers[1]);
    (void)governance.Cosign(approval_id, approvers[2]);
    bundle = *gov::ExportVerificationBundle(*store, planes, approval_id);
    auto stored = gov::ParseEnvelope(nlohmann::json::parse(bundle)["approval"]["envelope"].dump(), "a");
    envelope = *stored;
  }

  std::vector<gov::PrivateKey> approvers;
  std::string approval_id;
  std::string bundle;
  gov::Envelope envelope;
};

Quorum3of5& World() {
  static Quorum3of5* w = new Quorum3of5();
  return *w;
}

void BM_RawVerify3(benchmark::State& state) {
  Quorum3of5& w = World();
  const std::string pae = gov::PreAuthEncoding(w.envelope.payload_type, w.envelope.payload);
  std::vector<std::string> raw;
  for (int i = 0; i < 3; ++i) raw.push_back(w.approvers[i].public_key().raw());
  for (auto _ : state) {
    int ok = 0;
    for (int i = 0; i < 3; ++i) {
      ok += crypto_sign_verify_detached(
                reinterpret_cast<const unsigned char*>(w.envelope.signatures[i].sig.data()),
                reinterpret_cast<const unsigned char*>(pae.data()), pae.size(),
                reinterpret_cast<const unsigned char*>(raw[i].data())) == 0;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RawVerify3)->Unit(benchmark::kMicrosecond);

void VerifyBundle(benchmark::State& state, bool first) {
  Quorum3of5& w = World();
  gov::BundleGateRequest req;
  req.environment = "staging";
  for (auto _ : state) {
    if (first) {
      state.PauseTiming();
      gov::ForgetEverythingChecked();
      state.ResumeTiming();
    }
    auto r = gov::VerifyVerificationBundle(w.bundle, w.root, req);
    if (!r.ok() || !r->promoted) state.SkipWithError("the bundle does not verify");
    benchmark::DoNotOptimize(r);
  }
}
void BM_BundleFirst(benchmark::State& state) { VerifyBundle(state, true); }
void BM_BundleAgain(benchmark::State& state) { VerifyBundle(state, false); }
BENCHMARK(BM_BundleFirst)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BundleAgain)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--write") == 0) {
    Quorum3of5& w = World();
    const std::string out = argv[2];
    std::filesystem::create_directories(out);
    if (!gov::WriteFileAtomic(out + "/bundle.json", w.bundle).ok() ||
        !gov::WriteFileAtomic(out + "/root.json", gov::EnvelopeToJson(w.root) + "\n").ok()) {
      return 2;
    }
    std::filesystem::copy_file(w.dir / "model.bin", out + "/model.bin",
                               std::filesystem::copy_options::overwrite_existing);
    // The signers' raw public keys in the envelope's signature order, for raw_quorum.
    std::ofstream keys(out + "/signers.hex");
    for (const auto& sig : w.envelope.signatures) {
      for (const auto& approver : w.approvers) {
        if (approver.keyid() != sig.keyid) continue;
        const std::string raw = approver.public_key().raw();
        std::string hex(raw.size() * 2 + 1, '\0');
        sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                       raw.size());
        hex.pop_back();
        keys << hex << "\n";
      }
    }
    if (!keys) return 2;
    std::cout << w.approval_id << "\n";
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
