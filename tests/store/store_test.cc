// One suite, run unchanged against every backend.
#include "governance/store.h"

#include <doctest/doctest.h>

#include <thread>

#include "store/sql_schema.h"
#include "store/sql_store.h"
#include "store_backends.h"

namespace governance {
namespace {

KeyRecord MakeKey(const std::string& identity, std::vector<Role> roles, int64_t at) {
  auto k = GeneratePrivateKey();
  KeyRecord r;
  r.keyid = k->keyid();
  r.identity = identity;
  r.roles = std::move(roles);
  r.public_key_pem = k->public_key().ToPem();
  r.enrolled_at = at;
  return r;
}

ApprovalRecord MakeApproval(const std::string& id, const std::string& model, int64_t at) {
  ApprovalRecord a;
  a.approval_id = id;
  a.model_id = model;
  a.model_version = "1";
  a.artifact_digest = "sha256:" + std::string(64, 'a');
  a.envelope = {std::string(kInTotoPayloadType), "{\"x\":1}", {}};
  a.created_at = at;
  return a;
}

StoreOptions Options() {
  StoreOptions o;
  o.ledger_key = testing::TestLedgerKey();
  o.clock = [] { return int64_t{1'800'000'000}; };
  return o;
}

TEST_CASE("store suite") {
  testing::TempDir dir;
  for (const auto& backend : testing::AllBackends(dir)) {
    SUBCASE(backend.name.c_str()) {
      std::unique_ptr<Store> store = backend.open(Options());

      SUBCASE("keys: enrol, list, revoke") {
        KeyRecord alice = MakeKey("alice", {Role::kApprover}, 10);
        KeyRecord bob = MakeKey("bob", {Role::kTrainer, Role::kDeployer}, 5);
        REQUIRE(store->Transact([&](StoreTransaction& t) -> Status {
          GOV_RETURN_IF_ERROR(t.PutKey(alice));
          return t.PutKey(bob);
        }).ok());
        Status dup = store->Transact([&](StoreTransaction& t) { return t.PutKey(alice); });
        CHECK(dup.code() == StatusCode::kAlreadyExists);
        CHECK(dup.message() == "key " + alice.keyid + " is already enrolled");
        KeyRecord revoked = alice;
        revoked.revoked = true;
        revoked.revoked_at = 42;
        revoked.revocation_reason = "laptop lost";
        REQUIRE(store->Transact([&](StoreTransaction& t) { return t.UpdateKey(revoked); }).ok());
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          GOV_ASSIGN_OR_RETURN(auto keys, t.ListKeys());
          REQUIRE(keys.size() == 2);
          CHECK(keys[0].identity == "bob");
          CHECK(keys[0].roles == std::vector<Role>{Role::kTrainer, Role::kDeployer});
          CHECK(keys[1].revoked);
          CHECK(keys[1].revoked_at == 42);
          CHECK(keys[1].revocation_reason == "laptop lost");
          CHECK(t.GetKey("nope").status().message() == "no enrolled key nope");
          return Status();
        }).ok());
      }

      SUBCASE("a failed transaction stores nothing") {
        KeyRecord k = MakeKey("carol", {Role::kApprover}, 1);
        Status s = store->Transact([&](StoreTransaction& t) -> Status {
          GOV_RETURN_IF_ERROR(t.PutKey(k));
          GOV_RETURN_IF_ERROR(t.AppendLedger({"key.enrolled", "carol", k.keyid, {}}).status());
          return InvalidArgumentError("changed my mind");
        });
        CHECK(s == InvalidArgumentError("changed my mind"));
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          CHECK(t.GetKey(k.keyid).status().code() == StatusCode::kNotFound);
          CHECK(*t.LedgerSize() == 0);
          return Status();
        }).ok());
      }

      SUBCASE("a transaction goes on after AlreadyExists") {
        KeyRecord k = MakeKey("dave", {Role::kApprover}, 3);
        REQUIRE(store->Transact([&](StoreTransaction& t) { return t.PutKey(k); }).ok());
        REQUIRE(store->Transact([&](StoreTransaction& t) -> Status {
          CHECK(t.PutKey(k) == AlreadyExistsError("key " + k.keyid + " is already enrolled"));
          return t.PutSetting("after", "conflict");
        }).ok());
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          CHECK(**t.GetSetting("after") == "conflict");
          return Status();
        }).ok());
      }

      SUBCASE("co-signing an unknown approval is NotFound") {
        Status s = store->Transact([&](StoreTransaction& t) {
          return t.AddApprovalSignature("apv-404", {"k1", std::string(64, '\x01')});
        });
        CHECK(s == NotFoundError("no approval apv-404"));
      }

      SUBCASE("read-only views refuse writes") {
        Status s = store->Read([&](StoreTransaction& t) { return t.PutSetting("a", "b"); });
        CHECK(s == FailedPreconditionError("write attempted in a read-only view"));
      }

      SUBCASE("approvals and co-signatures") {
        ApprovalRecord a = MakeApproval("apv-1", "fraud", 100);
        a.envelope.signatures.push_back({"k1", std::string(64, '\x01')});
        REQUIRE(store->Transact([&](StoreTransaction& t) { return t.PutApproval(a); }).ok());
        REQUIRE(store->Transact([&](StoreTransaction& t) {
          return t.AddApprovalSignature("apv-1", {"k2", std::string(64, '\x02')});
        }).ok());
        Status dup = store->Transact([&](StoreTransaction& t) {
          return t.AddApprovalSignature("apv-1", {"k2", std::string(64, '\x03')});
        });
        CHECK(dup == AlreadyExistsError("approval apv-1 is already signed by key k2"));
        CHECK(store->Transact([&](StoreTransaction& t) { return t.PutApproval(a); }) ==
              AlreadyExistsError("approval apv-1 already exists"));
        REQUIRE(store->Transact([&](StoreTransaction& t) {
          return t.PutApproval(MakeApproval("apv-2", "churn", 50));
        }).ok());
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          GOV_ASSIGN_OR_RETURN(ApprovalRecord got, t.GetApproval("apv-1"));
          CHECK(got.envelope.payload == "{\"x\":1}");
          REQUIRE(got.envelope.signatures.size() == 2);
          CHECK(got.envelope.signatures[0].keyid == "k1");
          CHECK(got.envelope.signatures[1] == EnvelopeSignature{"k2", std::string(64, '\x02')});
          GOV_ASSIGN_OR_RETURN(auto all, t.ListApprovals());
          REQUIRE(all.size() == 2);
          CHECK(all[0].approval_id == "apv-2");
          GOV_ASSIGN_OR_RETURN(auto fraud, t.ListApprovals("fraud"));
          CHECK(fraud.size() == 1);
          CHECK(t.GetApproval("apv-9").status() == NotFoundError("no approval apv-9"));
          return Status();
        }).ok());
      }

      SUBCASE("training outputs are idempotent by digest") {
        TrainingOutputRecord t{"sha256:" + std::string(64, 'b'), "m", "2",
                               {"application/vnd.mgov.training-output+json", "{}", {}}};
        REQUIRE(store->Transact([&](StoreTransaction& x) { return x.PutTrainingOutput(t); }).ok());
        REQUIRE(store->Transact([&](StoreTransaction& x) { return x.PutTrainingOutput(t); }).ok());
        CHECK(store->Read([&](StoreTransaction& x) -> Status {
          GOV_ASSIGN_OR_RETURN(auto got, x.GetTrainingOutput(t.digest));
          CHECK(got.model_version == "2");
          CHECK(got.envelope.payload_type == t.envelope.payload_type);
          return Status();
        }).ok());
      }

      SUBCASE("revocations") {
        Revocation r{Revocation::Kind::kModel, "fraud", "drift", "alice", 7, {}, {}};
        REQUIRE(store->Transact([&](StoreTransaction& t) { return t.PutRevocation(r); }).ok());
        CHECK(store->Transact([&](StoreTransaction& t) { return t.PutRevocation(r); }) ==
              AlreadyExistsError("model fraud is already revoked"));
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          GOV_ASSIGN_OR_RETURN(auto found, t.FindRevocation(Revocation::Kind::kModel, "fraud"));
          REQUIRE(found.has_value());
          CHECK(found->reason == "drift");
          GOV_ASSIGN_OR_RETURN(auto other, t.FindRevocation(Revocation::Kind::kApproval, "fraud"));
          CHECK_FALSE(other.has_value());
          CHECK(t.ListRevocations()->size() == 1);
          return Status();
        }).ok());
      }

      SUBCASE("deployments: history and current") {
        auto deploy = [&](std::string model, std::string env, std::string approval) {
          Deployment d;
          d.model_id = model;
          d.environment = env;
          d.approval_id = approval;
          d.kind = "deploy";
          StatusOr<int64_t> id = InternalError("unset");
          REQUIRE(store->Transact([&](StoreTransaction& t) -> Status {
            id = t.AddDeployment(d);
            return id.status();
          }).ok());
          return *id;
        };
        CHECK(deploy("fraud", "staging", "a1") == 1);
        CHECK(deploy("fraud", "staging", "a2") == 2);
        CHECK(deploy("fraud", "production", "a1") == 3);
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          GOV_ASSIGN_OR_RETURN(auto h, t.DeploymentHistory("fraud", "staging"));
          REQUIRE(h.size() == 2);
          CHECK(h[0].approval_id == "a2");
          CHECK(h[1].approval_id == "a1");
          GOV_ASSIGN_OR_RETURN(auto cur, t.CurrentDeployments());
          REQUIRE(cur.size() == 2);
          CHECK(cur[0].environment == "production");
          CHECK(cur[1].approval_id == "a2");
          return Status();
        }).ok());
      }

      SUBCASE("settings") {
        REQUIRE(store->Transact([&](StoreTransaction& t) { return t.PutSetting("x", "1"); }).ok());
        REQUIRE(store->Transact([&](StoreTransaction& t) { return t.PutSetting("x", "2"); }).ok());
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          CHECK(**t.GetSetting("x") == "2");
          CHECK_FALSE(t.GetSetting("y")->has_value());
          return Status();
        }).ok());
      }

      SUBCASE("ledger appends form a verifiable chain") {
        for (int i = 0; i < 5; ++i) {
          REQUIRE(store->Transact([&](StoreTransaction& t) {
            return t.AppendLedger({"test.event", "alice", "s" + std::to_string(i),
                                   {{"i", i}, {"z", "last"}, {"a", "first"}}})
                .status();
          }).ok());
        }
        CHECK(store->Read([&](StoreTransaction& t) -> Status {
          GOV_ASSIGN_OR_RETURN(auto entries, t.ReadLedger());
          REQUIRE(entries.size() == 5);
          CHECK(entries[0].prev_hash == kGenesisHash);
          CHECK(entries[3].prev_hash == entries[2].hash);
          CHECK(entries[1].details == R"({"a":"first","i":1,"z":"last"})");
          CHECK(entries[4].timestamp == 1'800'000'000);
          auto v = VerifyLedger(entries, {testing::TestLedgerKey().public_key()});
          CHECK(v.ok);
          CHECK(v.entries == 5);
          GOV_ASSIGN_OR_RETURN(auto page, t.ReadLedger(2, 2));
          REQUIRE(page.size() == 2);
          CHECK(page[0].sequence == 2);
          return Status();
        }).ok());
      }

      SUBCASE("appending needs the ledger key") {
        std::unique_ptr<Store> keyless = backend.open(StoreOptions{});
        Status s = keyless->Transact(
            [&](StoreTransaction& t) { return t.AppendLedger({"x", "y", "z", {}}).status(); });
        CHECK(s == FailedPreconditionError("the store was opened without its ledger key, which signs every change"));
      }
    }
  }
}

TEST_CASE("PostgreSQL: the store's URL, as errors and reports show it, carries no password") {
  auto base = testing::PostgresTestUrl();
  if (!base) return;
  // The test server trusts its socket, so libpq never sends these passwords.
  std::string url = testing::NewPostgresSchema(*base);
  const size_t at = url.find('@');
  REQUIRE(at != std::string::npos);
  url.insert(at, ":s3cret-in-userinfo");
  url += std::string(url.find('?') == std::string::npos ? "?" : "&") +
         "password=s3cret-in-query&application_name=mgov-test";
  auto store = OpenStore(url);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  const std::string shown = (*store)->url();
  CHECK(shown.find("s3cret") == std::string::npos);
  CHECK(shown.find(":***@") != std::string::npos);
  CHECK(shown.find("password=***&application_name=mgov-test") != std::string::npos);
  // An error that names the store (here: no schema yet) names it the same way.
  Status unmigrated = (*store)->Read([](StoreTransaction&) { return Status(); });
  CHECK(unmigrated.code() == StatusCode::kFailedPrecondition);
  CHECK(unmigrated.message().find(":***@") != std::string::npos);
  CHECK(unmigrated.message().find("s3cret") == std::string::npos);
}

TEST_CASE("SQLite: schema is required, migration is idempotent, data survives reopening") {
  testing::TempDir dir;
  const std::string url = "sqlite:" + dir / "g.db";
  {
    auto store = OpenStore(url, Options());
    REQUIRE(store.ok());
    CHECK(*(*store)->SchemaVersion() == 0);
    Status s = (*store)->Read([](StoreTransaction&) { return Status(); });
    CHECK(s == FailedPreconditionError(url + " has no governance schema; run `mgov init` first"));
    REQUIRE((*store)->Migrate().ok());
    REQUIRE((*store)->Migrate().ok());
    CHECK(*(*store)->SchemaVersion() == CurrentSchemaVersion());
    REQUIRE((*store)->Transact([](StoreTransaction& t) { return t.PutSetting("k", "v"); }).ok());
  }
  auto again = OpenStore(url, Options());
  REQUIRE(again.ok());
  CHECK((*again)->Read([](StoreTransaction& t) -> Status {
    CHECK(**t.GetSetting("k") == "v");
    return Status();
  }).ok());
  CHECK(OpenStore("sqlite:" + dir / "no/such/dir/g.db").status().code() ==
        StatusCode::kNotFound);
}

// A fresh, empty, unmigrated database per SQL backend.
std::vector<std::pair<std::string, std::function<std::string()>>> SqlDatabases(
    testing::TempDir& dir) {
  std::vector<std::pair<std::string, std::function<std::string()>>> out;
  out.push_back({"sqlite", [&dir] {
                   static int n = 0;
                   return "sqlite:" + dir / ("m" + std::to_string(++n) + ".db");
                 }});
  if (auto base = testing::PostgresTestUrl()) {
    out.push_back({"postgresql", [base] { return testing::NewPostgresSchema(*base); }});
  }
  return out;
}

SqlStore& AsSql(Store& store) { return dynamic_cast<SqlStore&>(store); }

TEST_CASE("schema migrations are versioned, ordered and safe to run at once") {
  REQUIRE(SchemaMigrations().size() >= 2);
  for (size_t i = 0; i < SchemaMigrations().size(); ++i) {
    CHECK(SchemaMigrations()[i].version == static_cast<int>(i) + 1);
  }
  testing::TempDir dir;
  for (const auto& [name, fresh] : SqlDatabases(dir)) {
    SUBCASE(name.c_str()) {
      const std::string url = fresh();
      auto store = OpenStore(url, Options());
      REQUIRE_MESSAGE(store.ok(), store.status().ToString());

      SUBCASE("an old database is migrated step by step") {
        CHECK(*(*store)->SchemaVersion() == 0);
        CHECK(AsSql(**store).MigrateTo(99) ==
              InvalidArgumentError("no schema version 99 (this mgov has 1 to " +
                                   std::to_string(CurrentSchemaVersion()) + ")"));
        REQUIRE(AsSql(**store).MigrateTo(1).ok());
        CHECK(*(*store)->SchemaVersion() == 1);
        CHECK((*store)->Read([](StoreTransaction&) { return Status(); }) ==
              FailedPreconditionError(url + " has schema version 1; this mgov needs " +
                                      std::to_string(CurrentSchemaVersion()) +
                                      " (run `mgov init` to migrate)"));
        REQUIRE((*store)->Transact([](StoreTransaction&) { return Status(); }).code() ==
                StatusCode::kFailedPrecondition);
        REQUIRE((*store)->Migrate().ok());
        CHECK(*(*store)->SchemaVersion() == CurrentSchemaVersion());
        CHECK((*store)->Transact([](StoreTransaction& t) { return t.PutSetting("a", "b"); }).ok());
      }

      SUBCASE("a newer database is refused") {
        REQUIRE((*store)->Migrate().ok());
        const int newer = CurrentSchemaVersion() + 1;
        // Record a version from the future, as a newer mgov would.
        auto conn = testing::OpenTestConnection(url);
        REQUIRE(conn->Query("INSERT INTO schema_version (version) VALUES (?)",
                            {int64_t{newer}}).ok());
        auto other = OpenStore(url, Options());
        REQUIRE(other.ok());
        CHECK((*other)->Migrate() ==
              FailedPreconditionError(url + " has schema version " + std::to_string(newer) +
                                      ", newer than this mgov understands (" +
                                      std::to_string(CurrentSchemaVersion()) + ")"));
        CHECK((*other)->Read([](StoreTransaction&) { return Status(); }).code() ==
              StatusCode::kFailedPrecondition);
      }

      SUBCASE("four processes' worth of stores migrate at once") {
        std::vector<std::thread> threads;
        std::vector<Status> results(4);
        for (int i = 0; i < 4; ++i) {
          threads.emplace_back([&, i] {
            auto s = OpenStore(url, Options());
            results[static_cast<size_t>(i)] = s.ok() ? (*s)->Migrate() : s.status();
          });
        }
        for (auto& t : threads) t.join();
        for (const Status& r : results) CHECK_MESSAGE(r.ok(), r.ToString());
        auto conn = testing::OpenTestConnection(url);
        auto rows = conn->Query("SELECT version FROM schema_version ORDER BY version");
        REQUIRE(rows.ok());
        std::vector<int64_t> versions;
        for (const auto& r : *rows) versions.push_back(r.Int(0));
        CHECK(versions == std::vector<int64_t>{1, 2, 3});
        CHECK(*(*store)->SchemaVersion() == CurrentSchemaVersion());
      }
    }
  }
}

}  // namespace
}  // namespace governance
