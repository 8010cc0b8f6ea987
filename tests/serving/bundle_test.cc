// Offline verification: an exported bundle passes every gate with no store
// and no key, each tampered part fails naming its gate, and every signature
// in it verifies with `openssl pkeyutl` as well.
#include <doctest/doctest.h>

#include <map>

#include "core/encoding.h"
#include "core/file.h"
#include "core/sha256.h"
#include "governance/verification_bundle.h"
#include "planes_fixture.h"

namespace governance {
namespace {

using testing::CheckFailedGates;
using testing::GateNamed;
using testing::kDay;

class Bundle : public testing::PlanesFixture {
 public:
  // fraud approved for staging and production, deployed to both; churn
  // approved and revoked (so the bundle carries a revocation).
  Bundle() {
    id_ = Approve({"staging", "production"});
    REQUIRE(Deploy(id_, "staging")->promoted);
    REQUIRE(Deploy(id_, "production")->promoted);
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "churn weights").ok());
    auto churn = Approve({"staging"});
    GovernancePlane gov(*store_, plane_options_);
    REQUIRE(gov.RevokeApproval(churn, "bias found", carol_).ok());
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v1").ok());
    auto text = ExportVerificationBundle(*store_, plane_options_, id_);
    REQUIRE_MESSAGE(text.ok(), text.status().ToString());
    bundle_ = nlohmann::json::parse(*text);
  }

  StatusOr<PromotionResult> Offline(const nlohmann::json& bundle,
                                    const std::string& env = "production",
                                    std::optional<Envelope> root = std::nullopt) {
    BundleGateRequest req;
    req.environment = env;
    req.artifact_path = dir_ / "model.bin";
    req.now = now_;
    return VerifyVerificationBundle(bundle.dump(), root.value_or(root_), req);
  }

  std::string id_;
  nlohmann::json bundle_;
};

TEST_CASE_FIXTURE(Bundle, "a good bundle passes every gate with no store and no key") {
  store_.reset();  // the serving host has none
  auto r = Offline(bundle_);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CheckFailedGates(*r, {});
  CHECK(r->gates.size() == std::size(kGateNames));
  CHECK(r->verified_approvers == std::vector<std::string>{"alice", "bob"});
  CHECK(GateNamed(*r, "downgrade").reason == "this approval is what production runs now");
  CHECK(GateNamed(*r, "promotion-order").reason == "already deployed to staging");
}

TEST_CASE_FIXTURE(Bundle, "each tampered part fails, naming its gate") {
  struct Case {
    const char* name;
    std::function<void(nlohmann::json&)> tamper;
    std::vector<std::string> failed;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"a governance change left out",
       [](nlohmann::json& b) { b["changes"].erase(b["changes"].begin() + 2); },
       {"trust"}, "is out of place in the chain"},
      {"the root withheld",
       [](nlohmann::json& b) { b["roots"] = nlohmann::json::array(); },
       {"trust"}, "has no governance root"},
      {"a signature dropped from the approval",
       [](nlohmann::json& b) { b["approval"]["envelope"]["signatures"].erase(1); },
       {"quorum"}, "1 of 2 required distinct approvers"},
      {"the approval's payload edited",
       [](nlohmann::json& b) {
         auto& env = b["approval"]["envelope"];
         std::string payload = *Base64Decode(env["payload"].get<std::string>());
         payload.replace(payload.find("\"required_approvers\":2"), 22, "\"required_approvers\":1");
         env["payload"] = Base64Encode(payload);
       },
       {"snapshot", "signatures", "quorum"}, "differs from the statement the ledger recorded"},
      {"the training output swapped",
       [](nlohmann::json& b) { b["training_output"] = nullptr; },
       {"training"}, "is not available"},
      {"the revocations withheld",
       [](nlohmann::json& b) { b["revocations"] = nlohmann::json::array(); },
       {"snapshot"}, "the revocations differ"},
      {"a current deployment withheld",
       [](nlohmann::json& b) { b["deployments"]["current"].erase(0); },
       {"snapshot"}, "the current deployments differ"},
      {"the history trimmed",
       [](nlohmann::json& b) { b["deployments"]["history"] = nlohmann::json::array(); },
       {"snapshot", "promotion-order"}, "does not end at its current deployment"},
      {"the snapshot's signature altered",
       [](nlohmann::json& b) {
         std::string sig = *Base64Decode(b["snapshot"]["signatures"][0]["sig"].get<std::string>());
         sig[0] ^= 1;
         b["snapshot"]["signatures"][0]["sig"] = Base64Encode(sig);
       },
       {"snapshot"}, "not signed by an online key"},
      {"an inclusion proof altered",
       [](nlohmann::json& b) {
         auto& path = b["ledger"]["entries"][0]["audit_path"];
         path[0] = std::string(64, '0');
       },
       {"snapshot"}, "its inclusion proof fails"},
      {"the ledger evidence withheld",
       [](nlohmann::json& b) { b["ledger"]["entries"] = nlohmann::json::array(); },
       {"snapshot"}, "is not in the bundle"},
  };
  for (const auto& c : cases) {
    SUBCASE(c.name) {
      nlohmann::json b = bundle_;
      c.tamper(b);
      auto r = Offline(b);
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      std::vector<std::string> failed;
      for (const auto& g : r->gates) {
        if (!g.passed) failed.push_back(g.name);
      }
      // The first failures are the ones named; "not checked" gates follow a trust failure.
      REQUIRE(failed.size() >= c.failed.size());
      CHECK(std::vector<std::string>(failed.begin(), failed.begin() + c.failed.size()) == c.failed);
      CHECK(r->FirstFailure()->reason.find(c.says) != std::string::npos);
      CHECK_FALSE(r->promoted);
    }
  }
}

TEST_CASE_FIXTURE(Bundle, "a stale bundle, another root, a revoked model, a substituted artifact") {
  now_ += 2 * kDay;
  auto stale = Offline(bundle_);
  REQUIRE(stale.ok());
  CheckFailedGates(*stale, {"snapshot"});
  CHECK(GateNamed(*stale, "snapshot").reason.find("the freshness window") != std::string::npos);
  now_ -= 2 * kDay;
  // Two hours on, within the admins' day: a host that wants state at most an
  // hour old refuses it, another host does not.
  BundleGateRequest hourly{"production", "", dir_ / "model.bin", now_ + 2 * 3600, 3600};
  auto limited = VerifyVerificationBundle(bundle_.dump(), root_, hourly);
  REQUIRE(limited.ok());
  CheckFailedGates(*limited, {"snapshot"});
  CHECK(GateNamed(*limited, "snapshot").reason.find("more than 1h ago (this host's limit, --max-age)") !=
        std::string::npos);
  hourly.max_snapshot_age_seconds = 0;
  CHECK(VerifyVerificationBundle(bundle_.dump(), root_, hourly)->promoted);

  auto other_admin = *GeneratePrivateKey();
  auto other = NewRoot({{"other", other_admin.public_key()}}, 1, {ledger_key_.public_key()}, now_);
  auto foreign = Offline(bundle_, "production", SignRoot(*other, {&other_admin}));
  REQUIRE(foreign.ok());
  CHECK(GateNamed(*foreign, "trust").reason.find("differs from the pinned one") != std::string::npos);

  REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights with a backdoor").ok());
  auto swapped = Offline(bundle_);
  REQUIRE(swapped.ok());
  CheckFailedGates(*swapped, {"artifact"});

  REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v1").ok());
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeModel("fraud", "leak", carol_).ok());
  auto fresh = ExportVerificationBundle(*store_, plane_options_, id_);
  REQUIRE(fresh.ok());
  auto revoked = Offline(nlohmann::json::parse(*fresh));
  REQUIRE(revoked.ok());
  CheckFailedGates(*revoked, {"revocation"});

  CHECK(VerifyVerificationBundle("{\"_type\": \"x\"}", root_, {"production", "", {}, now_})
            .status() == InvalidArgumentError("bundle: /_type must be \"" +
                                              std::string(kVerificationBundleType) + "\""));
}

TEST_CASE_FIXTURE(Bundle, "an older approval stays older offline, whatever the bundle says") {
  // fraud 2 goes to staging and production; the bundle is for fraud 1.
  REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v2").ok());
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging", "production"};
  auto v2 = gov.Approve(Train("fraud", "2").envelope, req, alice_);
  REQUIRE(v2->approved);
  REQUIRE(gov.Cosign(v2->approval.approval_id, bob_).ok());
  REQUIRE(Deploy(v2->approval.approval_id, "staging")->promoted);
  REQUIRE(Deploy(v2->approval.approval_id, "production")->promoted);
  REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v1").ok());
  auto text = ExportVerificationBundle(*store_, plane_options_, id_);
  REQUIRE(text.ok());
  nlohmann::json bundle = nlohmann::json::parse(*text);
  auto honest = Offline(bundle);
  REQUIRE(honest.ok());
  CheckFailedGates(*honest, {"downgrade"});
  CHECK(GateNamed(*honest, "downgrade").reason.find("fraud 1 (" + id_ + ") is older than fraud 2") == 0);
  // The running approval rewritten to an older version: it no longer matches
  // the deployer's signed record, and its signatures no longer verify.
  REQUIRE_FALSE(bundle["approvals"].empty());
  for (auto& running : bundle["approvals"]) {
    auto& env = running["envelope"];
    std::string payload = *Base64Decode(env["payload"].get<std::string>());
    payload.replace(payload.find("\"version\":\"2\""), 13, "\"version\":\"0\"");
    env["payload"] = Base64Encode(payload);
  }
  auto forged = Offline(bundle);
  REQUIRE(forged.ok());
  CheckFailedGates(*forged, {"downgrade"});
  CHECK(GateNamed(*forged, "downgrade").reason ==
        "the approval " + v2->approval.approval_id + " that production runs is not available to "
        "compare with: its statement is not the one the signed deployment record names (table "
        "approvals)");
}

// Every signature in the bundle, checked by openssl against the key the
// fixture knows by key id.
TEST_CASE_FIXTURE(Bundle, "every signature in the bundle verifies with openssl pkeyutl") {
  std::map<std::string, PublicKey> keys;
  for (const PrivateKey* k : {&admin_, &ledger_key_, &trainer_, &alice_, &bob_, &carol_,
                              &deployer_, &alice_second_}) {
    keys.emplace(k->keyid(), k->public_key());
  }
  int verified = 0;
  auto openssl = [&](const std::string& message, const std::string& sig, const std::string& keyid) {
    REQUIRE(keys.count(keyid));
    const std::string n = std::to_string(verified);
    REQUIRE(WriteFileAtomic(dir_ / ("msg" + n), message).ok());
    REQUIRE(WriteFileAtomic(dir_ / ("sig" + n), sig).ok());
    REQUIRE(WriteFileAtomic(dir_ / ("pub" + n + ".pem"), keys.at(keyid).ToPem()).ok());
    auto r = testing::RunCommand("openssl pkeyutl -verify -pubin -inkey " + (dir_ / ("pub" + n + ".pem")) +
                                 " -rawin -in " + (dir_ / ("msg" + n)) + " -sigfile " +
                                 (dir_ / ("sig" + n)));
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("Signature Verified Successfully") != std::string::npos);
    ++verified;
  };
  auto envelope = [&](const nlohmann::json& j) {
    auto env = ParseEnvelope(j.dump(), "bundle envelope");
    REQUIRE(env.ok());
    for (const auto& s : env->signatures) {
      openssl(PreAuthEncoding(env->payload_type, env->payload), s.sig, s.keyid);
    }
  };
  for (const auto& e : bundle_["roots"]) envelope(e);
  for (const auto& e : bundle_["changes"]) envelope(e);
  envelope(bundle_["approval"]["envelope"]);
  envelope(bundle_["training_output"]["envelope"]);
  for (const auto& v : bundle_["revocations"]) envelope(v["envelope"]);
  for (const auto& d : bundle_["deployments"]["history"]) envelope(d["envelope"]);
  envelope(bundle_["snapshot"]);
  for (const auto& p : bundle_["ledger"]["entries"]) {
    const auto& e = p["entry"];
    // A ledger entry's signature covers the raw SHA-256 of its body.
    openssl(*HexDecode(e["hash"].get<std::string>()), *Base64Decode(e["signature"].get<std::string>()),
            e["signer_keyid"].get<std::string>());
  }
  // 1 root + 7 changes + 2 approval + 1 training + 1 revocation + 2 deployments
  // + 1 snapshot + 2 ledger entries.
  CHECK(verified == 17);
}

}  // namespace
}  // namespace governance
