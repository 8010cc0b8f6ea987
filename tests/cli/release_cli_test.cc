// The release record and the decision stack's components from the CLI:
// `mgov train --release-notes/--component` (exit 0 / 2, nothing stored on
// an error), what the default bundle requires for production, and where
// people read them (`approval show`, `diff`, `policy eval`).
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli_session.h"
#include "core/file.h"
#include "safetensors.h"
#include "test_util.h"

namespace governance {
namespace {

class ReleaseCli : public testing::CliSession {
 public:
  ReleaseCli() {
    InitWithTeam();
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", testing::Safetensors("weights")).ok());
    REQUIRE(WriteFileAtomic(dir_ / "release.yaml", kRelease).ok());
  }

  std::string Train(const std::string& version, const std::string& options) {
    return Expect(0, "train --model fraud --version " + version +
                         " --artifact model.bin --key keys/trainer.key --out to.json --manifest " +
                         kValid + " " + options);
  }

  std::string LedgerSize() { return Expect(0, "--json ledger list"); }

  static inline const std::string kValid =
      std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml";
  static inline const std::string kRelease =
      "what_changed: |\n  New merchant features.\n  Retrained on Q3.\n"
      "why: Recall fell.\n"
      "data: transactions_q3@v7\n"
      "channels_tested: [web, android]\n"
      "rollback_trigger: precision below 0.90 over 24 h\n"
      "owners: [risk-ml@example.com]\n";
};

TEST_CASE_FIXTURE(ReleaseCli, "production needs owners and a rollback trigger; staging does not") {
  Train("1", "");
  std::string denied = Expect(1, "approve to.json --key keys/alice.key --env staging,production");
  CHECK(denied.find("A release record is required for production") != std::string::npos);
  Expect(0, "approve to.json --key keys/alice.key --env staging");

  REQUIRE(WriteFileAtomic(dir_ / "no-owners.yaml", "rollback_trigger: precision below 0.9\n").ok());
  Train("2", "--release-notes no-owners.yaml");
  denied = Expect(1, "approve to.json --key keys/alice.key --env production");
  CHECK(denied.find("The release record must name its owners for production") != std::string::npos);
  CHECK(denied.find("rollback trigger") == std::string::npos);

  Train("3", "--release-notes release.yaml --component sdk=android_sdk_2.3.0");
  const std::string out = Expect(0, "approve to.json --key keys/alice.key --env staging,production");
  const std::string id = out.substr(0, out.find('\n'));

  // approval show: the signed record, every field, and the components.
  auto j = nlohmann::json::parse(Expect(0, "--json approval show " + id));
  CHECK(j["release_notes"]["owners"] == nlohmann::json{"risk-ml@example.com"});
  CHECK(j["release_notes"]["data"] == nlohmann::json{"transactions_q3@v7"});
  CHECK(j["release_notes"]["what_changed"] == "New merchant features.\nRetrained on Q3.\n");
  CHECK(j["release_notes"]["known_risks"] == nlohmann::json::array());
  CHECK(j["decision_stack"]["components"] == nlohmann::json{{"sdk", "android_sdk_2.3.0"}});
  const std::string text = Expect(0, "approval show " + id);
  CHECK(text.find("  component      sdk=android_sdk_2.3.0\n") != std::string::npos);
  CHECK(text.find("  rollback when  precision below 0.90 over 24 h\n") != std::string::npos);
  CHECK(text.find("  tested on      web\n                 android\n") != std::string::npos);
  CHECK(text.find("  what changed   New merchant features.\n                 Retrained on Q3.\n") !=
        std::string::npos);

  // diff: a component and the record that changed between two releases.
  REQUIRE(WriteFileAtomic(dir_ / "model.bin", testing::Safetensors("weights v4")).ok());
  REQUIRE(WriteFileAtomic(dir_ / "release4.yaml", kRelease + "known_risks: [cold start]\n").ok());
  Train("4", "--release-notes release4.yaml --component sdk=android_sdk_2.4.0 --component fusion=v1");
  const std::string out4 = Expect(0, "approve to.json --key keys/alice.key --env staging,production");
  const std::string id4 = out4.substr(0, out4.find('\n'));
  auto diff = nlohmann::json::parse(Expect(0, "--json diff " + id + " " + id4));
  bool sdk = false, fusion = false, risks = false;
  for (const auto& c : diff["changes"]) {
    if (c["section"] == "decision_stack" && c["path"] == "/components/sdk") {
      sdk = c["before"] == "android_sdk_2.3.0" && c["after"] == "android_sdk_2.4.0";
    }
    if (c["section"] == "decision_stack" && c["path"] == "/components/fusion") {
      fusion = c["before"].is_null() && c["after"] == "v1";
    }
    if (c["section"] == "release_notes" && c["path"] == "/known_risks") {
      risks = c["after"] == nlohmann::json{"cold start"};
    }
  }
  CHECK(sdk);
  CHECK(fusion);
  CHECK(risks);
}

TEST_CASE_FIXTURE(ReleaseCli, "a bad release record or component is exit 2 and stores nothing") {
  const std::string before = LedgerSize();
  const std::string train =
      "train --model fraud --version 1 --artifact model.bin --key keys/trainer.key --out to.json ";
  struct Case {
    std::string file_text, option, message;
  };
  const Case cases[] = {
      {"owner: [a]\n", "--release-notes r.yaml", "r.yaml: /owner is not a known field"},
      {"owners: [a, a]\n", "--release-notes r.yaml", "r.yaml: /owners/1 repeats \"a\""},
      {"owners: ['  ']\n", "--release-notes r.yaml", "r.yaml: /owners/0 must not be empty"},
      {"owners: {a: 1}\n", "--release-notes r.yaml", "r.yaml: /owners must be a string or an array of strings"},
      {"why: [a]\n", "--release-notes r.yaml", "r.yaml: /why must be a string"},
      {"owners: [\"a\\u0007b\"]\n", "--release-notes r.yaml", "r.yaml: /owners/0 holds a control character"},
      {"why: \"a\\u001bb\"\n", "--release-notes r.yaml", "r.yaml: /why holds a control character other than a line break or tab"},
      {"- a\n", "--release-notes r.yaml", "r.yaml: release notes must be a mapping"},
      {"owners: [a]\nowners: [b]\n", "--release-notes r.yaml", "r.yaml:2:1: invalid YAML: duplicate mapping key"},
      {"", "--component sdk", "--component sdk: expected NAME=VALUE"},
      {"", "--component =v", "--component =v: expected NAME=VALUE"},
      {"", "--component SDK=v", "decision stack component \"SDK\": a name is 1 to 64"},
      {"", "--component sdk=", "decision stack component sdk = \"\": a value is 1 to 256"},
      {"", "--component sdk=a --component sdk=b", "--component sdk is given twice"},
      {"", "--release-notes missing.yaml", "missing.yaml"},
  };
  for (const Case& c : cases) {
    REQUIRE(WriteFileAtomic(dir_ / "r.yaml", c.file_text).ok());
    const std::string out = Expect(2, train + c.option);
    INFO(c.option << " " << c.file_text);
    CHECK(out.find(c.message) != std::string::npos);
  }
  CHECK(LedgerSize() == before);
  CHECK_FALSE(std::filesystem::exists(dir_ / "to.json"));
}

TEST_CASE_FIXTURE(ReleaseCli, "policy eval judges a release record for an environment as approve does") {
  const std::string eval = "policy eval -p .mgov/policies -i " + kValid + " --artifact model.bin ";
  CHECK(Expect(1, eval + "--environment production")
            .find("A release record is required for production") != std::string::npos);
  Expect(0, eval + "--environment staging");
  Expect(0, eval + "--environment production --release-notes release.yaml");
  CHECK(Expect(2, "policy eval -p .mgov/policies -i " + kValid + " --environment production")
            .find("give the artifact too") != std::string::npos);
}

}  // namespace
}  // namespace governance
