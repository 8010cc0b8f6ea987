#include "store/store_state.h"

#include <algorithm>

#include "core/digest.h"
#include "core/document.h"
#include "core/encoding.h"
#include "governance/statements.h"
#include "governance/trust.h"
#include "store/merkle_frontier.h"

namespace governance {
namespace {

std::string DigestOfLines(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return Sha256DigestOf(text);
}

template <typename T, typename F>
TableState Digested(int64_t rows, const std::vector<T>& items, F row_json) {
  std::vector<std::string> lines;
  for (const auto& item : items) lines.push_back(CanonicalJson(row_json(item)));
  return {rows, DigestOfLines(std::move(lines))};
}

nlohmann::json EnvelopeJson(const Envelope& env) {
  return nlohmann::json::parse(EnvelopeToJson(env), nullptr, false);
}

nlohmann::json KeyRowJson(const KeyRecord& k) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role r : k.roles) roles.push_back(RoleName(r));
  return {{"keyid", k.keyid},           {"identity", k.identity},
          {"roles", roles},             {"public_key", k.public_key_pem},
          {"enrolled_at", k.enrolled_at}, {"revoked", k.revoked},
          {"revoked_at", k.revoked_at}, {"revocation_reason", k.revocation_reason}};
}

nlohmann::json RevocationRowJson(const Revocation& v) {
  return {{"kind", v.kind == Revocation::Kind::kApproval ? "approval" : "model"},
          {"target", v.target},
          {"reason", v.reason},
          {"revoked_by", v.revoked_by},
          {"revoked_at", v.revoked_at},
          {"artifact_digests", v.artifact_digests},
          {"envelope", v.envelope.payload.empty() ? nlohmann::json(nullptr)
                                                  : EnvelopeJson(v.envelope)}};
}

// The newest applied root, when there is one.
const RootRecord* NewestApplied(const std::vector<RootRecord>& roots) {
  const RootRecord* newest = nullptr;
  for (const auto& r : roots) {
    if (r.state == "applied" && (!newest || r.version > newest->version)) newest = &r;
  }
  return newest;
}

}  // namespace

const std::vector<std::string>& StoreTables() {
  static const std::vector<std::string> kTables = {
      "roots",       "governance_changes", "keys",        "policy_bundles",
      "training_outputs", "approvals",     "approval_signatures", "revocations",
      "deployments", "settings"};
  return kTables;
}

std::string RevocationsDigest(const std::vector<Revocation>& revocations) {
  std::vector<std::string> lines;
  for (const auto& v : revocations) {
    lines.push_back(v.envelope.payload.empty()
                        ? std::string("legacy ") +
                              (v.kind == Revocation::Kind::kApproval ? "approval " : "model ") +
                              v.target
                        : Sha256DigestOf(v.envelope.payload));
  }
  return DigestOfLines(std::move(lines));
}

std::string CurrentDeploymentsDigest(const std::vector<Deployment>& current) {
  std::vector<std::string> lines;
  for (const auto& d : current) {
    // The columns too: a row edited outside mgov must not keep its digest.
    lines.push_back(d.model_id + "\t" + d.environment + "\t" + std::to_string(d.id) + "\t" +
                    d.model_version + "\t" + d.approval_id + "\t" + d.artifact_digest + "\t" +
                    d.deployed_by + "\t" + std::to_string(d.deployed_at) + "\t" + d.kind + "\t" +
                    DeploymentDigest(d));
  }
  return DigestOfLines(std::move(lines));
}

StatusOr<StoreState> ComputeStoreState(StoreTransaction& txn) {
  StoreState st;
  GOV_ASSIGN_OR_RETURN(std::optional<LedgerEntry> last, txn.LastLedgerEntry());
  if (last) {
    st.ledger_size = last->sequence;
    st.ledger_head = last->hash;
  }
  GOV_ASSIGN_OR_RETURN(std::optional<std::string> frontier_text, txn.GetSetting(kFrontierSetting));
  if (frontier_text) {
    auto frontier = MerkleFrontier::Decode(*frontier_text);
    if (frontier.ok() && frontier->size() == st.ledger_size) {
      st.merkle_root = HexEncode(frontier->Root());
    }
  } else if (st.ledger_size == 0) {
    st.merkle_root = HexEncode(MerkleRoot({}));
  }

  GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
  if (const RootRecord* newest = NewestApplied(roots)) {
    st.facts.root_version = newest->version;
    st.facts.root_digest = Sha256DigestOf(newest->envelope.payload);
  }
  GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> changes, txn.ListChanges());
  for (const auto& c : changes) {
    if (c.state != "applied") continue;
    ++st.facts.change_count;
    st.facts.change_head = Sha256DigestOf(c.envelope.payload);  // listed by sequence
  }
  GOV_ASSIGN_OR_RETURN(std::vector<Revocation> revocations, txn.ListRevocations());
  st.facts.revocations = RevocationsDigest(revocations);
  GOV_ASSIGN_OR_RETURN(std::vector<Deployment> current, txn.CurrentDeployments());
  st.facts.deployments = CurrentDeploymentsDigest(current);

  GOV_ASSIGN_OR_RETURN(auto counts, txn.CountRows());
  for (const auto& name : StoreTables()) st.tables[name].rows = counts[name];
  st.tables["roots"] = Digested(counts["roots"], roots, [](const RootRecord& r) {
    return nlohmann::json{
        {"version", r.version}, {"state", r.state}, {"envelope", EnvelopeJson(r.envelope)}};
  });
  st.tables["governance_changes"] =
      Digested(counts["governance_changes"], changes, [](const ChangeRecord& c) {
        return nlohmann::json{{"change_id", c.change_id},
                              {"sequence", c.sequence},
                              {"state", c.state},
                              {"envelope", EnvelopeJson(c.envelope)}};
      });
  GOV_ASSIGN_OR_RETURN(std::vector<KeyRecord> keys, txn.ListKeys());
  st.tables["keys"] = Digested(counts["keys"], keys, KeyRowJson);
  GOV_ASSIGN_OR_RETURN(auto bundles, txn.ListPolicyBundles());
  std::vector<std::pair<std::string, std::string>> bundle_rows;
  for (const auto& digest : bundles) {
    GOV_ASSIGN_OR_RETURN(std::optional<std::string> files, txn.GetPolicyBundle(digest));
    bundle_rows.emplace_back(digest, files ? Sha256DigestOf(*files) : "");
  }
  st.tables["policy_bundles"] =
      Digested(counts["policy_bundles"], bundle_rows, [](const auto& row) {
        return nlohmann::json{{"digest", row.first}, {"files", row.second}};
      });
  st.tables["revocations"] = Digested(counts["revocations"], revocations, RevocationRowJson);
  GOV_ASSIGN_OR_RETURN(auto settings, txn.ListSettings());
  st.tables["settings"] = Digested(counts["settings"], settings, [](const auto& row) {
    return nlohmann::json{{"name", row.first}, {"value", row.second}};
  });
  return st;
}

Status CheckBeforeWrite(StoreTransaction& txn, const PrivateKey& online_key) {
  GOV_ASSIGN_OR_RETURN(std::optional<Envelope> snapshot, txn.GetSnapshot());
  GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
  if (!snapshot) {
    if (roots.empty()) return Status();  // a new store, or one made before governance roots
    return DataLossError(
        "the store has a governance root but no signed snapshot; refusing to write "
        "(run `mgov ledger verify`)");
  }
  // Only an online key of the governance root writes: a replaced ledger
  // key is refused before it signs anything.
  std::vector<PublicKey> keys = {online_key.public_key()};
  if (const RootRecord* newest = NewestApplied(roots)) {
    auto root = ParseRootPayload(newest->envelope.payload, "stored root");
    if (!root.ok() || !root->IsOnlineKey(online_key.keyid())) {
      return DataLossError("the store's ledger key " + online_key.keyid().substr(0, 16) +
                           " is not an online key of its governance root; refusing to write");
    }
    keys = root->online_keys;
  }
  bool signed_by_online = false;
  for (const auto& sig : snapshot->signatures) {
    for (const auto& key : keys) {
      signed_by_online = signed_by_online ||
                         (sig.keyid == key.keyid() && VerifySignature(*snapshot, sig, key));
    }
  }
  if (snapshot->payload_type != kSnapshotPayloadType || !signed_by_online) {
    return DataLossError("the store's snapshot is not signed by its online key; refusing to write");
  }
  GOV_ASSIGN_OR_RETURN(Snapshot signed_snapshot,
                       ParseSnapshotPayload(snapshot->payload, "stored snapshot"));
  GOV_ASSIGN_OR_RETURN(StoreState now, txn.CurrentState());
  std::string difference = DescribeStateDifference(signed_snapshot.state, now);
  if (!difference.empty()) {
    return DataLossError("the store was changed outside mgov since its last snapshot: " +
                         difference + "; refusing to write on top of it (run `mgov ledger verify`)");
  }
  return Status();
}

StatusOr<Envelope> SealSnapshot(StoreTransaction& txn, const PrivateKey& online_key,
                                int64_t now) {
  GOV_ASSIGN_OR_RETURN(StoreState state, txn.CurrentState());
  Envelope env{std::string(kSnapshotPayloadType), SnapshotPayload({now, state}), {}};
  AddSignature(env, online_key);
  return env;
}

Status ExtendLedgerFrontier(StoreTransaction& txn, const LedgerEntry& appended) {
  GOV_ASSIGN_OR_RETURN(std::optional<std::string> text, txn.GetSetting(kFrontierSetting));
  std::optional<MerkleFrontier> frontier;
  if (text) {
    auto decoded = MerkleFrontier::Decode(*text);
    if (decoded.ok() && decoded->size() == appended.sequence - 1) frontier = std::move(*decoded);
  }
  if (!frontier) {
    frontier.emplace();
    GOV_ASSIGN_OR_RETURN(std::vector<LedgerEntry> earlier,
                         txn.ReadLedger(1, appended.sequence - 1));
    for (const auto& e : earlier) frontier->Append(MerkleLeafHash(e.EntryBody()));
    if (frontier->size() != appended.sequence - 1) {
      return DataLossError("the ledger has gaps before entry " +
                           std::to_string(appended.sequence));
    }
  }
  frontier->Append(MerkleLeafHash(appended.EntryBody()));
  return txn.PutSetting(kFrontierSetting, frontier->Encode());
}

}  // namespace governance
