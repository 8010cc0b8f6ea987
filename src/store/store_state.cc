#include "store/store_state.h"

#include <algorithm>
#include <map>

#include "core/digest.h"
#include "core/document.h"
#include "core/encoding.h"
#include "core/sha256.h"
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

// One row as unambiguous text: every field length-prefixed.
class Row {
 public:
  Row& Add(std::string_view field) {
    text_ += std::to_string(field.size());
    text_ += ':';
    text_ += field;
    return *this;
  }
  Row& Add(int64_t n) { return Add(std::string_view(std::to_string(n))); }
  // An envelope by its payload digest and each signature's key id and digest.
  Row& Add(const Envelope& env) {
    Add(env.payload_type).Add(Sha256DigestOf(env.payload));
    for (const auto& sig : env.signatures) Add(sig.keyid).Add(Sha256DigestOf(sig.sig));
    return Add(std::string_view("end"));
  }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

template <typename T, typename F>
TableState Digested(int64_t rows, const std::vector<T>& items, F row) {
  std::vector<std::string> lines;
  lines.reserve(items.size());
  for (const auto& item : items) lines.push_back(row(item).Take());
  return {rows, DigestOfLines(std::move(lines))};
}

Row KeyRow(const KeyRecord& k) {
  Row r;
  r.Add(k.keyid).Add(k.identity);
  for (Role role : k.roles) r.Add(RoleName(role));
  r.Add(std::string_view("|")).Add(k.public_key_pem).Add(k.enrolled_at);
  r.Add(int64_t{k.revoked}).Add(k.revoked_at).Add(k.revocation_reason);
  return r;
}

Row RevocationRow(const Revocation& v) {
  Row r;
  r.Add(std::string_view(v.kind == Revocation::Kind::kApproval ? "approval" : "model"));
  r.Add(v.target).Add(v.reason).Add(v.revoked_by).Add(v.revoked_at);
  for (const auto& d : v.artifact_digests) r.Add(d);
  r.Add(std::string_view("|")).Add(v.envelope);
  return r;
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

std::string RevocationLine(const Revocation& v) {
  return v.envelope.payload.empty()
             ? std::string("legacy ") +
                   (v.kind == Revocation::Kind::kApproval ? "approval " : "model ") + v.target
             : Sha256DigestOf(v.envelope.payload);
}

std::string RevocationsDigest(const std::vector<Revocation>& revocations) {
  std::vector<std::string> lines;
  for (const auto& v : revocations) lines.push_back(RevocationLine(v));
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

StatusOr<StoreState> ComputeStoreState(StoreTransaction& txn, const StoreState* previous,
                                       const std::set<std::string>* dirty) {
  // A part may be taken from `previous` unless one of its tables was written.
  auto clean = [&](std::initializer_list<const char*> tables) {
    if (!previous || !dirty) return false;
    for (const char* t : tables) {
      if (dirty->count(t)) return false;
    }
    return true;
  };
  StoreState st;
  if (clean({"ledger", "settings"})) {
    st.ledger_size = previous->ledger_size;
    st.ledger_head = previous->ledger_head;
    st.merkle_root = previous->merkle_root;
  } else {
    GOV_ASSIGN_OR_RETURN(std::optional<LedgerEntry> last, txn.LastLedgerEntry());
    if (last) {
      st.ledger_size = last->sequence;
      // Hashed again, not read from its column: the snapshot then vouches for
      // the last entry's content, which nothing else checks on a gate's path.
      st.ledger_head = HexEncode(Sha256Digest(last->EntryBody()));
    }
    GOV_ASSIGN_OR_RETURN(std::optional<std::string> frontier_text,
                         txn.GetSetting(kFrontierSetting));
    if (frontier_text) {
      auto frontier = MerkleFrontier::Decode(*frontier_text);
      if (frontier.ok() && frontier->size() == st.ledger_size) {
        st.merkle_root = HexEncode(frontier->Root());
      }
    } else if (st.ledger_size == 0) {
      st.merkle_root = HexEncode(MerkleRoot({}));
    }
  }
  // Row counts: counted again only when a counted table other than settings
  // (whose rows are listed below anyway) was written.
  std::map<std::string, int64_t> counts;
  bool recount = !previous || !dirty;
  for (const auto& name : StoreTables()) {
    recount = recount || (name != "settings" && dirty->count(name) > 0);
  }
  if (recount) {
    GOV_ASSIGN_OR_RETURN(counts, txn.CountRows());
  } else {
    for (const auto& [name, table] : previous->tables) counts[name] = table.rows;
  }
  GOV_ASSIGN_OR_RETURN(auto settings, txn.ListSettings());
  counts["settings"] = static_cast<int64_t>(settings.size());
  for (const auto& name : StoreTables()) st.tables[name].rows = counts[name];
  auto reuse = [&](const char* table) {
    if (!clean({table})) return false;
    st.tables[table] = previous->tables.at(table);
    return true;
  };

  if (clean({"roots"})) {
    st.facts.root_version = previous->facts.root_version;
    st.facts.root_digest = previous->facts.root_digest;
    reuse("roots");
  } else {
    GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
    if (const RootRecord* newest = NewestApplied(roots)) {
      st.facts.root_version = newest->version;
      st.facts.root_digest = Sha256DigestOf(newest->envelope.payload);
    }
    st.tables["roots"] = Digested(counts["roots"], roots, [](const RootRecord& r) {
      Row row;
      row.Add(r.version).Add(r.state).Add(r.envelope);
      return row;
    });
  }
  if (clean({"governance_changes"})) {
    st.facts.change_count = previous->facts.change_count;
    st.facts.change_head = previous->facts.change_head;
    reuse("governance_changes");
  } else {
    GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> changes, txn.ListChanges());
    for (const auto& c : changes) {
      if (c.state != "applied") continue;
      ++st.facts.change_count;
      st.facts.change_head = Sha256DigestOf(c.envelope.payload);  // listed by sequence
    }
    st.tables["governance_changes"] =
        Digested(counts["governance_changes"], changes, [](const ChangeRecord& c) {
          Row row;
          row.Add(c.change_id).Add(c.sequence).Add(c.state).Add(c.envelope);
          return row;
        });
  }
  if (clean({"revocations"})) {
    st.facts.revocations = previous->facts.revocations;
    reuse("revocations");
  } else {
    GOV_ASSIGN_OR_RETURN(std::vector<Revocation> revocations, txn.ListRevocations());
    st.facts.revocations = RevocationsDigest(revocations);
    st.tables["revocations"] = Digested(counts["revocations"], revocations, RevocationRow);
  }
  if (clean({"deployments"})) {
    st.facts.deployments = previous->facts.deployments;
  } else {
    GOV_ASSIGN_OR_RETURN(std::vector<Deployment> current, txn.CurrentDeployments());
    st.facts.deployments = CurrentDeploymentsDigest(current);
  }
  if (!reuse("keys")) {
    GOV_ASSIGN_OR_RETURN(std::vector<KeyRecord> keys, txn.ListKeys());
    st.tables["keys"] = Digested(counts["keys"], keys, KeyRow);
  }
  if (!reuse("policy_bundles")) {
    GOV_ASSIGN_OR_RETURN(auto bundles, txn.ListPolicyBundles());
    std::vector<std::pair<std::string, std::string>> bundle_rows;
    for (const auto& digest : bundles) {
      GOV_ASSIGN_OR_RETURN(std::optional<std::string> files, txn.GetPolicyBundle(digest));
      bundle_rows.emplace_back(digest, files ? Sha256DigestOf(*files) : "");
    }
    st.tables["policy_bundles"] =
        Digested(counts["policy_bundles"], bundle_rows, [](const auto& b) {
          Row row;
          row.Add(b.first).Add(b.second);
          return row;
        });
  }
  if (!reuse("settings")) {
    st.tables["settings"] = Digested(counts["settings"], settings, [](const auto& setting) {
      Row row;
      row.Add(setting.first).Add(setting.second);
      return row;
    });
  }
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
  std::vector<PublicKey> keys = {online_key.public_key()};
  if (const RootRecord* newest = NewestApplied(roots)) {
    auto root = ParseRootPayload(newest->envelope.payload, "stored root");
    if (root.ok()) keys = root->online_keys;
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
  // Only an online key of the governance root (as this transaction leaves
  // it) seals: a replaced ledger key writes nothing, and a root that names a
  // new online key can be committed by it (recovering a lost one).
  GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
  if (const RootRecord* newest = NewestApplied(roots)) {
    auto root = ParseRootPayload(newest->envelope.payload, "stored root");
    if (!root.ok() || !root->IsOnlineKey(online_key.keyid())) {
      return DataLossError("the store's ledger key " + online_key.keyid().substr(0, 16) +
                           " is not an online key of its governance root; refusing to write "
                           "(an online key is replaced in two steps: a root naming both, "
                           "then one without the old)");
    }
  }
  GOV_ASSIGN_OR_RETURN(StoreState state, txn.CurrentState());
  Snapshot snapshot{now, std::move(state)};
  Envelope env{std::string(kSnapshotPayloadType), SnapshotPayload(snapshot), {}};
  RememberSnapshotPayload(env.payload, snapshot);
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
