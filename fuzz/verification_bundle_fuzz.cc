// libFuzzer target for offline verification (serving/verification_bundle.cc),
// what `mgov verify --bundle FILE --trust ROOT` and examples/serving_guard
// run on a file fetched over the network: the bundle's own reader and, behind
// it, every gate (root chain, governance changes, revocations, snapshot,
// deployment histories, ledger inclusion proofs, approval signatures).
//
// The host pins the bundle's first root, as `mgov root pin` does on first
// use, and judges it at its export time, so that a bundle exported by any
// session (one admin or several, rotated roots) reaches every gate instead of
// stopping at "trust". Mutations that keep the signed parts intact then
// exercise the unsigned ones (lists, proofs, histories), where a gate must
// refuse, not crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "core/document.h"
#include "core/dsse_json.h"
#include "core/time.h"
#include "fuzz_check.h"
#include "governance/verification_bundle.h"
#include "../tests/safetensors.h"

namespace {

// The artifact the seed sessions approve (fuzz/make_seeds.sh): a small
// safetensors file, so that the "artifact" gate hashes and compares it
// instead of being skipped.
const std::string kArtifact = governance::testing::Safetensors("fuzz model weights\n");

const std::string& ArtifactPath() {
  static const std::string* path = [] {
    const char* tmp = std::getenv("TMPDIR");
    auto* p = new std::string(std::string(tmp ? tmp : "/tmp") + "/mgov-fuzz-model-" +
                              std::to_string(::getpid()) + ".bin");
    std::ofstream(*p, std::ios::binary) << kArtifact;
    std::atexit([] { std::remove(ArtifactPath().c_str()); });
    return p;
  }();
  return *path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace governance;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // The pin and the clock come from the bundle itself; when they cannot be
  // read, a root of nothing and the epoch still run the reader.
  Envelope pinned;
  int64_t now = kEarliestTimestamp + 1;
  if (auto doc = ParseJson(text, "pin"); doc.ok() && doc->is_object()) {
    auto roots = doc->find("roots");
    if (roots != doc->end() && roots->is_array() && !roots->empty()) {
      auto env = EnvelopeFromJsonValue((*roots)[0], "pin");
      if (env.ok()) pinned = std::move(*env);
    }
    auto exported = doc->find("exported_at");
    if (exported != doc->end() && exported->is_string()) {
      auto t = ParseRfc3339(exported->get<std::string>());
      if (t.ok()) now = *t + 60;
    }
  }

  BundleGateRequest request;
  // Production has the most rules (quorum 2, staging first, separation of
  // duties); the input's length picks staging for half of the inputs.
  request.environment = size % 2 == 0 ? "production" : "staging";
  request.artifact_path = ArtifactPath();
  request.now = now;
  auto result = VerifyVerificationBundle(text, pinned, request);
  if (!result.ok()) {
    GOV_FUZZ_CHECK(result.status().code() == StatusCode::kInvalidArgument);
    GOV_FUZZ_CHECK(fuzz::NamesOrigin(result.status().message(), "bundle"));
    return 0;
  }
  // Every gate is reported, in order, and the verdict is theirs.
  GOV_FUZZ_CHECK(result->gates.size() == std::size(kGateNames));
  bool all_passed = true;
  for (size_t i = 0; i < result->gates.size(); ++i) {
    GOV_FUZZ_CHECK(result->gates[i].name == kGateNames[i]);
    // A gate with nothing to examine is skipped, which does not fail it.
    GOV_FUZZ_CHECK(!result->gates[i].skipped || result->gates[i].passed);
    all_passed = all_passed && result->gates[i].passed;
  }
  GOV_FUZZ_CHECK(result->promoted == all_passed);
  GOV_FUZZ_CHECK(result->promoted == (result->FirstFailure() == nullptr));
  if (result->promoted) {
    // Nothing passes on a bundle of no trusted root.
    GOV_FUZZ_CHECK(!pinned.payload.empty());
    GOV_FUZZ_CHECK(!result->verified_approvers.empty());
  }
  (void)ToJson(*result);
  return 0;
}
