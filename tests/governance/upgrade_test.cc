// A store made before governance roots existed, upgraded by the admins'
// `mgov init --admin-key`: its keys and revocations count only through the
// signed upgrade change, under canonical identities, and a legacy row edited
// after the upgrade is caught like any other.
#include <doctest/doctest.h>

#include "governance/administration.h"
#include "governance/state.h"
#include "governance/trust.h"
#include "store/store_backends.h"
#include "test_util.h"

namespace governance {
namespace {

constexpr int64_t kNow = 1'800'000'000;

KeyRecord LegacyKey(const PrivateKey& key, const std::string& identity, bool revoked = false) {
  KeyRecord k;
  k.keyid = key.keyid();
  k.identity = identity;
  k.roles = {Role::kApprover};
  k.public_key_pem = key.public_key().ToPem();
  k.enrolled_at = kNow - 86400;
  k.revoked = revoked;
  if (revoked) {
    k.revoked_at = kNow - 3600;
    k.revocation_reason = "left the team";
  }
  return k;
}

// What the store held before roots: three keys, a model revocation and the
// ledger entries that recorded them, written as the old CLI did (no
// signatures anywhere).
class LegacyStore {
 public:
  explicit LegacyStore(const testing::Backend& backend) {
    StoreOptions options;
    options.ledger_key = testing::TestLedgerKey();
    options.clock = [] { return kNow; };
    store_ = backend.open(options);
    planes_.clock = [] { return kNow; };
    online_ = options.ledger_key->public_key();
    REQUIRE(store_->Transact([&](StoreTransaction& txn) -> Status {
      for (const KeyRecord& k : {LegacyKey(carol_, "Carol"), LegacyKey(bob_, "Bob Smith"),
                                 LegacyKey(dave_, "dave", /*revoked=*/true)}) {
        GOV_RETURN_IF_ERROR(txn.PutKey(k));
        GOV_RETURN_IF_ERROR(txn.AppendLedger({"key.enrolled", "ops", k.keyid, {}}).status());
      }
      Revocation r;
      r.kind = Revocation::Kind::kModel;
      r.target = "churn";
      r.reason = "leaks customer ids";
      r.revoked_by = "Carol";
      r.revoked_at = kNow - 600;
      r.artifact_digests = {"sha256:" + std::string(64, 'a')};
      GOV_RETURN_IF_ERROR(txn.PutRevocation(r));
      return txn.AppendLedger({"model.revoked", "ops", "churn", {}}).status();
    }).ok());
  }

  StatusOr<InitOutcome> Upgrade(int threshold, std::vector<const PrivateKey*> signers) {
    InitRequest init;
    init.admins = {{"admin-a", admin_a_.public_key()}, {"admin-b", admin_b_.public_key()}};
    init.admin_threshold = threshold;
    init.signing_admins = std::move(signers);
    init.online_key = online_;
    return InitializeGovernance(*store_, init, planes_);
  }

  StateVerdict Verify(const Envelope& root) {
    auto trust = PinnedTrust(root);
    StateVerdict verdict;
    REQUIRE(store_->Read([&](StoreTransaction& txn) -> Status {
      GOV_ASSIGN_OR_RETURN(verdict, VerifyStoreState(txn, *trust, kNow));
      return Status();
    }).ok());
    return verdict;
  }

  Store& store() { return *store_; }

  PrivateKey admin_a_ = *GeneratePrivateKey();
  PrivateKey admin_b_ = *GeneratePrivateKey();
  PrivateKey carol_ = *GeneratePrivateKey();
  PrivateKey bob_ = *GeneratePrivateKey();
  PrivateKey dave_ = *GeneratePrivateKey();

 private:
  std::optional<PublicKey> online_;
  PlaneOptions planes_;
  std::unique_ptr<Store> store_;
};

TEST_CASE("upgrading a store made before roots needs the whole admin threshold at once") {
  testing::TempDir dir;
  for (const auto& backend : testing::AllBackends(dir)) {
    SUBCASE(backend.name.c_str()) {
      LegacyStore legacy(backend);
      auto partial = legacy.Upgrade(2, {&legacy.admin_a_});
      REQUIRE_FALSE(partial.ok());
      CHECK(partial.status().code() == StatusCode::kFailedPrecondition);
      CHECK(partial.status().message().find("needs the whole admin threshold at once") !=
            std::string::npos);
      // Nothing stored: no root, and the legacy keys untouched.
      REQUIRE(legacy.store().Read([&](StoreTransaction& txn) -> Status {
        GOV_ASSIGN_OR_RETURN(auto roots, txn.ListRoots());
        CHECK(roots.empty());
        GOV_ASSIGN_OR_RETURN(auto keys, txn.ListKeys());
        REQUIRE(keys.size() == 3);
        for (const KeyRecord& k : keys) {
          if (k.keyid == legacy.carol_.keyid()) CHECK(k.identity == "Carol");
        }
        return Status();
      }).ok());
    }
  }
}

TEST_CASE("an upgraded store's keys count through the admins' signed change, canonicalised") {
  testing::TempDir dir;
  for (const auto& backend : testing::AllBackends(dir)) {
    SUBCASE(backend.name.c_str()) {
      LegacyStore legacy(backend);
      auto upgraded = legacy.Upgrade(2, {&legacy.admin_a_, &legacy.admin_b_});
      REQUIRE_MESSAGE(upgraded.ok(), upgraded.status().ToString());
      CHECK(upgraded->upgraded);
      CHECK(upgraded->root_applied);

      StateVerdict v = legacy.Verify(upgraded->root.envelope);
      REQUIRE_MESSAGE(v.ok(), v.trust_problem << v.snapshot_problem);
      const KeyRecord* carol = v.state.FindKey(legacy.carol_.keyid());
      REQUIRE(carol != nullptr);
      CHECK(carol->identity == "carol");
      CHECK_FALSE(carol->revoked);
      CHECK(carol->HasRole(Role::kApprover));
      // "Bob Smith" has no canonical form: carried over, but revoked, so a
      // look-alike of another identity can never approve under it.
      const KeyRecord* bob = v.state.FindKey(legacy.bob_.keyid());
      REQUIRE(bob != nullptr);
      CHECK(bob->revoked);
      CHECK(bob->identity == "legacy-" + legacy.bob_.keyid().substr(0, 12));
      CHECK(bob->revocation_reason.find("\"Bob Smith\" is not canonical") != std::string::npos);
      const KeyRecord* dave = v.state.FindKey(legacy.dave_.keyid());
      REQUIRE(dave != nullptr);
      CHECK(dave->revoked);
      CHECK(dave->revocation_reason == "left the team");
      REQUIRE(v.state.revocations.size() == 1);
      CHECK(v.state.revocations[0].target == "churn");
      CHECK(v.state.revocations[0].artifact_digests.size() == 1);

      // A legacy row laundered after the upgrade: the revoked key made
      // usable under a plausible name, behind mgov's back.
      KeyRecord laundered = *bob;
      laundered.revoked = false;
      laundered.identity = "bob";
      REQUIRE(legacy.store().Transact([&](StoreTransaction& txn) {
        return txn.UpdateKey(laundered);
      }).ok());
      StateVerdict after = legacy.Verify(upgraded->root.envelope);
      CHECK_FALSE(after.trusted());
      CHECK(after.trust_problem.find("table keys") != std::string::npos);
    }
  }
}

}  // namespace
}  // namespace governance
