// Policy judges the artifact's bytes, end to end with the default bundle
// `mgov init` installs: a real pickle declared safetensors is trained, and
// its approval is denied naming what the bytes are; a real safetensors file
// is approved; `mgov policy eval --artifact` judges the same facts before
// training; a manifest cannot smuggle its own facts in.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "cli_session.h"
#include "test_util.h"

namespace governance {
namespace {

using testing::CommandResult;

class ArtifactCli : public testing::CliSession {
 public:
  ArtifactCli() {
    auto made = testing::RunCommand("python3 " + std::string(GOV_SOURCE_DIR) +
                                    "/tests/training/make_artifacts.py " + (dir_ / "built"));
    REQUIRE_MESSAGE(made.exit_code == 0, made.output);
    Expect(0, "init --admin-key admin/admin.key");
    Expect(0, "key generate --identity trainer --role trainer --out keys --admin-key admin/admin.key");
    Expect(0, "key generate --identity alice --role approver --out keys --admin-key admin/admin.key");
  }


  // Trains `artifact` (under built/) with a manifest, writing `out`.
  void Train(const std::string& artifact, const std::string& out,
             const std::string& manifest = kValid) {
    Expect(0, "train --model fraud --version 1 --artifact built/" + artifact +
                  " --key keys/trainer.key --out " + out + " --manifest " + manifest);
  }

  static inline const std::string kValid =
      std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml";
};

bool Has(const std::string& output, const std::string& text) {
  return output.find(text) != std::string::npos;
}

TEST_CASE_FIXTURE(ArtifactCli, "a pickle declared safetensors is denied naming what its bytes are") {
  // valid.yaml declares spec.artifact.format: safetensors and passes every
  // manifest rule; the artifact is a raw protocol 4 pickle of os.system.
  Train("pickles/evil_os_p4.pkl", "evil.json");
  std::string denied = Expect(1, "approve evil.json --key keys/alice.key --env staging");
  CHECK(Has(denied, "policy: evil_os_p4.pkl carries pickle data (detected format pickle; pickle "
                    "streams in evil_os_p4.pkl)"));
  CHECK(Has(denied, "policy: evil_os_p4.pkl imports posix.system in the pickle stream at "
                    "evil_os_p4.pkl: it can run code on load"));
  CHECK(Has(denied, "policy: The manifest declares spec.artifact.format safetensors, but no file "
                    "of the artifact is safetensors by its bytes (detected evil_os_p4.pkl: pickle)"));

  // The same payload inside a PyTorch zip named model.safetensors.
  Train("hidden/model.safetensors", "hidden.json");
  denied = Expect(1, "approve hidden.json --key keys/alice.key --env staging");
  CHECK(Has(denied, "policy: model.safetensors is named .safetensors but its bytes are pytorch"));
  CHECK(Has(denied, "policy: model.safetensors imports posix.system in the pickle stream at "
                    "model.safetensors!/archive/data.pkl"));

  // Real safetensors bytes pass.
  Train("model.safetensors", "clean.json");
  std::string ok = Expect(0, "approve clean.json --key keys/alice.key --env staging");
  CHECK(ok.starts_with("apv-"));
}

TEST_CASE_FIXTURE(ArtifactCli, "policy eval --artifact judges the bytes before training") {
  const std::string eval = "policy eval -p .mgov/policies -i " + kValid;
  std::string table = Expect(1, eval + " --artifact built/torch_evil.pt");
  CHECK(Has(table, "DENY    deny "));
  CHECK(Has(table, "torch_evil.pt imports posix.system in the pickle stream at "
                   "torch_evil.pt!/archive/data.pkl"));
  CHECK(Has(table, "DENY    deny_artifact_pickle "));
  CHECK(Has(table, "DENY    deny_artifact_declared_format "));
  CHECK(Has(Expect(0, eval + " --artifact built/model.safetensors"), "PASS: 0 denied"));
  // A directory: the weights are safetensors, the rest is config.
  std::filesystem::create_directories(dir_ / "model");
  std::filesystem::copy_file(dir_ / "built/model.safetensors", dir_ / "model/model.safetensors");
  std::filesystem::copy_file(dir_ / "built/config.json", dir_ / "model/config.json");
  CHECK(Has(Expect(0, eval + " --artifact model"), "PASS: 0 denied"));
  std::filesystem::copy_file(dir_ / "built/bomb.zip", dir_ / "model/bomb.zip");
  std::filesystem::copy_file(dir_ / "built/model.pkl.xz", dir_ / "model/model.pkl.xz");
  CHECK(Has(Expect(1, eval + " --artifact model"),
            "Artifact scan incomplete in model.pkl.xz: model.pkl.xz is xz data, which mgov does not open"));
  // Without --artifact, the manifest alone: nothing to judge about bytes.
  std::string alone = Expect(0, eval);
  CHECK(Has(alone, "note: no --artifact, so rules on the artifact's bytes (input.mgov) judged nothing"));
  CHECK(Has(alone, "PASS: 0 denied"));
  // JSON output carries the same denials.
  std::string json = Expect(1, "--json " + eval + " --artifact built/objects.npy");
  CHECK(Has(json, "\"allowed\": false"));
  CHECK(Has(json, "objects.npy imports posix.system in the pickle stream at objects.npy"));
  // A missing artifact is an error, not a pass.
  CHECK(Has(Expect(2, eval + " --artifact built/nope.bin"), "nope.bin"));
}

TEST_CASE_FIXTURE(ArtifactCli, "an exception may waive the artifact topics, never code execution") {
  // valid.yaml, declaring a weights-only pt checkpoint, with an exception for
  // pickle-bearing files.
  auto manifest = ReadFile(kValid);
  REQUIRE(manifest.ok());
  std::string waived = *manifest;
  waived.replace(waived.find("format: safetensors"), 19, "format: pt\n    weights_only: true");
  waived.replace(waived.find("metadata:\n"), 10,
                 "metadata:\n  annotations:\n"
                 "    policy.mgov.dev/exception: artifact_pickle\n"
                 "    policy.mgov.dev/exception-reason: legacy checkpoint, safe globals only\n"
                 "    policy.mgov.dev/exception-approver: alice\n"
                 "    policy.mgov.dev/exception-expires: \"2099-01-01T00:00:00Z\"\n");
  REQUIRE(WriteFileAtomic(dir_ / "waived.yaml", waived).ok());
  const std::string eval = "policy eval -p .mgov/policies -i waived.yaml --artifact built/";
  // Only torch, numpy and collections globals: the exception waives it.
  std::string clean = Expect(0, eval + "torch_clean.pt");
  CHECK(Has(clean, "WAIVED  deny_artifact_pickle"));
  CHECK(Has(clean, "PASS: 0 denied, 0 warned, 1 waived"));
  // os.system: `deny` is not a topic an exception can name.
  std::string evil = Expect(1, eval + "torch_evil.pt");
  CHECK(Has(evil, "WAIVED  deny_artifact_pickle"));
  CHECK(Has(evil, "DENY    deny "));
  CHECK(Has(evil, "FAIL: 1 denied, 0 warned, 1 waived"));
}

TEST_CASE_FIXTURE(ArtifactCli, "a manifest cannot supply its own facts") {
  REQUIRE(WriteFileAtomic(dir_ / "forged.yaml",
                          "spec:\n  artifact:\n    format: safetensors\nmgov:\n  artifact:\n"
                          "    complete: true\n    files: []\n")
              .ok());
  std::string refused = Expect(2, "train --model fraud --version 1 --artifact built/torch_evil.pt "
                                  "--key keys/trainer.key --out forged.json --manifest forged.yaml");
  CHECK(Has(refused, "manifest: /mgov is reserved"));
  CHECK_FALSE(std::filesystem::exists(dir_ / "forged.json"));
  CHECK(Has(Expect(2, "policy eval -p .mgov/policies -i forged.yaml --artifact built/model.safetensors"),
            "the manifest holds a top-level \"mgov\" key"));
}

TEST_CASE_FIXTURE(ArtifactCli, "the installed bundle carries the artifact rules and their tests") {
  CHECK(std::filesystem::exists(dir_ / ".mgov/policies/artifact.rego"));
  CHECK(std::filesystem::exists(dir_ / ".mgov/policies/artifact_test.rego"));
  std::string tests = Expect(0, "policy test -v .mgov/policies --run test_artifact_facts_");
  CHECK(Has(tests, "data.model.governance_test.test_artifact_facts_clean_safetensors_passes: PASS"));
  CHECK(Has(tests, "data.model.governance_test.test_artifact_facts_no_facts_denied: PASS"));
}

}  // namespace
}  // namespace governance
