// Offline verification bundles (verification_bundle.h).
#include "governance/verification_bundle.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/digest.h"
#include "core/document.h"
#include "core/dsse_json.h"
#include "core/encoding.h"
#include "core/json_reader.h"
#include "core/sha256.h"
#include "core/time.h"
#include "governance/artifact.h"
#include "governance/authority.h"
#include "governance/state.h"
#include "serving/gate.h"
#include "store/store_state.h"

namespace governance {
namespace {

nlohmann::json EnvelopeJson(const Envelope& env) {
  return nlohmann::json::parse(EnvelopeToJson(env));
}

nlohmann::json ApprovalJson(const ApprovalRecord& a) {
  return {{"approval_id", a.approval_id},     {"model_id", a.model_id},
          {"model_version", a.model_version}, {"artifact_digest", a.artifact_digest},
          {"created_at", a.created_at},       {"envelope", EnvelopeJson(a.envelope)}};
}

nlohmann::json RevocationJson(const Revocation& v) {
  return {{"kind", v.kind == Revocation::Kind::kApproval ? "approval" : "model"},
          {"target", v.target},
          {"reason", v.reason},
          {"revoked_by", v.revoked_by},
          {"revoked_at", v.revoked_at},
          {"artifact_digests", v.artifact_digests},
          {"envelope", v.envelope.payload.empty() ? nlohmann::json(nullptr)
                                                  : EnvelopeJson(v.envelope)}};
}

nlohmann::json DeploymentJson(const Deployment& d) {
  return {{"id", d.id},
          {"environment", d.environment},
          {"model_id", d.model_id},
          {"model_version", d.model_version},
          {"approval_id", d.approval_id},
          {"artifact_digest", d.artifact_digest},
          {"deployed_by", d.deployed_by},
          {"deployed_at", d.deployed_at},
          {"kind", d.kind},
          {"envelope", d.envelope.payload.empty() ? nlohmann::json(nullptr)
                                                  : EnvelopeJson(d.envelope)}};
}

nlohmann::json EntryJson(const LedgerEntry& e) {
  return {{"sequence", e.sequence},   {"timestamp", e.timestamp},   {"type", e.type},
          {"actor", e.actor},         {"subject", e.subject},       {"details", e.details},
          {"prev_hash", e.prev_hash}, {"hash", e.hash},             {"signer_keyid", e.signer_keyid},
          {"signature", Base64Encode(e.signature)}};
}

// --- reading a bundle: every field named by its path on error ---

StatusOr<Envelope> ReadEnvelope(const nlohmann::json& j, const std::string& where) {
  return EnvelopeFromJsonValue(j, where);
}

StatusOr<std::vector<Envelope>> ReadEnvelopes(const JsonReader& r, const char* name,
                                              const std::string& origin) {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* list, r.Member(name, true));
  if (!list->is_array()) return r.Error(name, "must be an array");
  std::vector<Envelope> out;
  for (size_t i = 0; i < list->size(); ++i) {
    GOV_ASSIGN_OR_RETURN(Envelope env, ReadEnvelope((*list)[i], origin + ": /" + name + "/" +
                                                                   std::to_string(i)));
    out.push_back(std::move(env));
  }
  return out;
}

StatusOr<ApprovalRecord> ReadApproval(const nlohmann::json& j, const std::string& where) {
  JsonReader r(j, where);
  ApprovalRecord a;
  GOV_ASSIGN_OR_RETURN(a.approval_id, r.String("approval_id"));
  GOV_ASSIGN_OR_RETURN(a.model_id, r.String("model_id"));
  GOV_ASSIGN_OR_RETURN(a.model_version, r.String("model_version"));
  GOV_ASSIGN_OR_RETURN(a.artifact_digest, r.String("artifact_digest"));
  GOV_ASSIGN_OR_RETURN(a.created_at, r.Int("created_at"));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* env, r.Member("envelope", true));
  GOV_ASSIGN_OR_RETURN(a.envelope, ReadEnvelope(*env, where + " /envelope"));
  return a;
}

StatusOr<Revocation> ReadRevocation(const nlohmann::json& j, const std::string& where) {
  JsonReader r(j, where);
  Revocation v;
  GOV_ASSIGN_OR_RETURN(std::string kind, r.String("kind"));
  if (kind != "approval" && kind != "model") return r.Error("kind", "must be approval or model");
  v.kind = kind == "approval" ? Revocation::Kind::kApproval : Revocation::Kind::kModel;
  GOV_ASSIGN_OR_RETURN(v.target, r.String("target"));
  GOV_ASSIGN_OR_RETURN(v.reason, r.OptionalString("reason"));
  GOV_ASSIGN_OR_RETURN(v.revoked_by, r.OptionalString("revoked_by"));
  GOV_ASSIGN_OR_RETURN(v.revoked_at, r.Int("revoked_at"));
  GOV_ASSIGN_OR_RETURN(v.artifact_digests, r.StringList("artifact_digests", true));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* env, r.Member("envelope", false));
  if (!env->is_null()) {
    GOV_ASSIGN_OR_RETURN(v.envelope, ReadEnvelope(*env, where + " /envelope"));
  }
  return v;
}

StatusOr<Deployment> ReadDeployment(const nlohmann::json& j, const std::string& where) {
  JsonReader r(j, where);
  Deployment d;
  GOV_ASSIGN_OR_RETURN(d.id, r.Int("id"));
  GOV_ASSIGN_OR_RETURN(d.environment, r.String("environment"));
  GOV_ASSIGN_OR_RETURN(d.model_id, r.String("model_id"));
  GOV_ASSIGN_OR_RETURN(d.model_version, r.String("model_version"));
  GOV_ASSIGN_OR_RETURN(d.approval_id, r.String("approval_id"));
  GOV_ASSIGN_OR_RETURN(d.artifact_digest, r.OptionalString("artifact_digest"));
  GOV_ASSIGN_OR_RETURN(d.deployed_by, r.String("deployed_by"));
  GOV_ASSIGN_OR_RETURN(d.deployed_at, r.Int("deployed_at"));
  GOV_ASSIGN_OR_RETURN(d.kind, r.String("kind"));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* env, r.Member("envelope", false));
  if (!env->is_null()) {
    GOV_ASSIGN_OR_RETURN(d.envelope, ReadEnvelope(*env, where + " /envelope"));
  }
  return d;
}

template <typename T, typename F>
StatusOr<std::vector<T>> ReadList(const JsonReader& r, const char* name, const std::string& origin,
                                  F read) {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* list, r.Member(name, true));
  if (!list->is_array()) return r.Error(name, "must be an array");
  std::vector<T> out;
  for (size_t i = 0; i < list->size(); ++i) {
    GOV_ASSIGN_OR_RETURN(T item, read((*list)[i], origin + ": " + r.PathOf(name) + "/" +
                                                      std::to_string(i)));
    out.push_back(std::move(item));
  }
  return out;
}

struct ProvenEntry {
  LedgerEntry entry;
  std::vector<std::string> audit_path;  // raw hashes
};

StatusOr<ProvenEntry> ReadProvenEntry(const nlohmann::json& j, const std::string& where) {
  JsonReader r(j, where);
  ProvenEntry p;
  GOV_ASSIGN_OR_RETURN(JsonReader e, r.Object("entry"));
  LedgerEntry& le = p.entry;
  GOV_ASSIGN_OR_RETURN(le.sequence, e.Int("sequence"));
  GOV_ASSIGN_OR_RETURN(le.timestamp, e.Int("timestamp"));
  GOV_ASSIGN_OR_RETURN(le.type, e.String("type"));
  GOV_ASSIGN_OR_RETURN(le.actor, e.String("actor"));
  GOV_ASSIGN_OR_RETURN(le.subject, e.String("subject"));
  GOV_ASSIGN_OR_RETURN(le.details, e.String("details"));
  GOV_ASSIGN_OR_RETURN(le.prev_hash, e.String("prev_hash"));
  GOV_ASSIGN_OR_RETURN(le.hash, e.String("hash"));
  GOV_ASSIGN_OR_RETURN(le.signer_keyid, e.String("signer_keyid"));
  GOV_ASSIGN_OR_RETURN(std::string sig, e.String("signature"));
  auto raw = Base64Decode(sig);
  if (!raw.ok()) return e.Error("signature", "is not base64");
  le.signature = std::move(*raw);
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> path, r.StringList("audit_path", true));
  for (const auto& h : path) {
    auto bytes = HexDecode(h);
    if (!bytes.ok() || bytes->size() != 32) return r.Error("audit_path", "must hold SHA-256 hashes");
    p.audit_path.push_back(std::move(*bytes));
  }
  return p;
}

class BundleFacts final : public GateFacts {
 public:
  BundleFacts(std::vector<ApprovalRecord> approvals, std::optional<TrainingOutputRecord> training,
              std::vector<Deployment> history)
      : approvals_(std::move(approvals)), training_(std::move(training)),
        history_(std::move(history)) {}

  StatusOr<ApprovalRecord> Approval(const std::string& id) override {
    for (const auto& a : approvals_) {
      if (a.approval_id == id) return a;
    }
    return NotFoundError("the bundle holds no approval " + id);
  }
  StatusOr<std::optional<TrainingOutputRecord>> TrainingOutput(const std::string& digest) override {
    if (training_ && training_->digest == digest) return training_;
    return std::optional<TrainingOutputRecord>();
  }
  StatusOr<std::vector<Deployment>> History(const std::string& model_id,
                                            const std::string& environment) override {
    std::vector<Deployment> out;
    for (const auto& d : history_) {
      if (d.model_id == model_id && d.environment == environment) out.push_back(d);
    }
    std::sort(out.begin(), out.end(),
              [](const Deployment& a, const Deployment& b) { return a.id > b.id; });
    return out;
  }
  StatusOr<std::optional<PolicyBundle>> RequiredBundle(const std::string&) override {
    return std::optional<PolicyBundle>();  // not exported: hosts rely on the approval's record
  }

 private:
  std::vector<ApprovalRecord> approvals_;
  std::optional<TrainingOutputRecord> training_;
  std::vector<Deployment> history_;
};

// The ledger evidence for the approval: every signature of it recorded by
// an entry that is in the tree the snapshot signed. "" when it is.
std::string CheckLedgerEvidence(const std::vector<ProvenEntry>& proven, const ApprovalRecord& a,
                                const GovernanceState& state) {
  const Snapshot& snap = *state.snapshot;
  std::string root;
  auto root_bytes = HexDecode(snap.state.merkle_root);
  if (!root_bytes.ok()) return "the snapshot's Merkle root is malformed";
  root = *root_bytes;
  std::set<std::pair<std::string, std::string>> recorded;  // keyid, signature digest
  bool issued = false;
  for (const auto& p : proven) {
    // An entry in the tree whose root the online key signed needs no
    // signature of its own: its inclusion proof is the proof.
    const LedgerEntry& e = p.entry;
    const std::string body = e.EntryBody();
    if (HexEncode(Sha256Digest(body)) != e.hash) {
      return "ledger entry " + std::to_string(e.sequence) + " does not match its hash";
    }
    if (e.sequence < 1 || e.sequence > snap.state.ledger_size ||
        !VerifyMerkleInclusion(MerkleLeafHash(body), static_cast<size_t>(e.sequence - 1),
                               static_cast<size_t>(snap.state.ledger_size), p.audit_path, root)) {
      return "ledger entry " + std::to_string(e.sequence) +
             " is not in the ledger the snapshot signed (its inclusion proof fails)";
    }
    if (e.subject != a.approval_id) continue;
    const nlohmann::json details = ParseJson(e.details, "ledger details").value_or(nullptr);
    if (!details.is_object()) continue;
    if (e.type == "approval.issued") {
      if (details.value("statement_digest", "") != Sha256DigestOf(a.envelope.payload)) {
        return "the approval differs from the statement the ledger recorded at entry " +
               std::to_string(e.sequence);
      }
      issued = true;
      recorded.insert({details.value("keyid", ""), ""});
    } else if (e.type == "approval.cosigned") {
      recorded.insert({details.value("keyid", ""), details.value("signature_digest", "")});
    }
  }
  if (!issued) return "the ledger entry that issued " + a.approval_id + " is not in the bundle";
  for (size_t i = 0; i < a.envelope.signatures.size(); ++i) {
    const auto& s = a.envelope.signatures[i];
    const bool first = i == 0 && recorded.count({s.keyid, ""});
    if (!first && !recorded.count({s.keyid, Sha256DigestOf(s.sig)})) {
      return "the signature by key " + s.keyid.substr(0, 16) +
             " was never recorded in the ledger";
    }
  }
  return "";
}

}  // namespace

StatusOr<std::string> ExportVerificationBundle(Store& store, const PlaneOptions& options,
                                               const std::string& approval_id) {
  const int64_t now = NowUnder(options.clock);
  GOV_RETURN_IF_ERROR(store.Transact([&](StoreTransaction& txn) -> Status {
    GOV_RETURN_IF_ERROR(LoadTrustedState(txn, options, now).status());
    GOV_RETURN_IF_ERROR(txn.GetApproval(approval_id).status());
    return txn.AppendLedger({"bundle.exported", kUnsignedActor, approval_id, {}}).status();
  }));
  nlohmann::json bundle;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options, now));
    nlohmann::json roots = nlohmann::json::array(), changes = nlohmann::json::array();
    for (const auto& r : state.roots.chain) roots.push_back(EnvelopeJson(r.envelope));
    GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> change_rows, txn.ListChanges());
    for (const auto& c : change_rows) {
      if (c.state == "applied") changes.push_back(EnvelopeJson(c.envelope));
    }
    GOV_ASSIGN_OR_RETURN(ApprovalRecord approval, txn.GetApproval(approval_id));
    GOV_ASSIGN_OR_RETURN(ModelApproval a, ParseApprovalStatement(approval.envelope.payload,
                                                                 "approval " + approval_id));
    nlohmann::json training = nullptr;
    auto t = txn.GetTrainingOutput(a.training_output_digest);
    if (t.ok()) {
      training = {{"digest", t->digest},
                  {"model_id", t->model_id},
                  {"model_version", t->model_version},
                  {"envelope", EnvelopeJson(t->envelope)}};
    }
    nlohmann::json revocations = nlohmann::json::array();
    GOV_ASSIGN_OR_RETURN(std::vector<Revocation> revs, txn.ListRevocations());
    for (const auto& v : revs) revocations.push_back(RevocationJson(v));
    nlohmann::json current = nlohmann::json::array(), history = nlohmann::json::array();
    nlohmann::json running = nlohmann::json::array();
    GOV_ASSIGN_OR_RETURN(std::vector<Deployment> deployed, txn.CurrentDeployments());
    for (const auto& d : deployed) {
      current.push_back(DeploymentJson(d));
      if (d.model_id == a.model_id && d.approval_id != approval_id) {
        auto other = txn.GetApproval(d.approval_id);
        if (other.ok()) running.push_back(ApprovalJson(*other));
      }
    }
    for (const auto& env : state.config.environments) {
      GOV_ASSIGN_OR_RETURN(std::vector<Deployment> h, txn.DeploymentHistory(a.model_id, env.name));
      for (const auto& d : h) history.push_back(DeploymentJson(d));
    }
    GOV_ASSIGN_OR_RETURN(std::optional<Envelope> snapshot, txn.GetSnapshot());
    GOV_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, txn.ReadLedger());
    std::vector<std::string> leaves;
    leaves.reserve(entries.size());
    for (const auto& e : entries) leaves.push_back(MerkleLeafHash(e.EntryBody()));
    nlohmann::json proven = nlohmann::json::array();
    for (size_t i = 0; i < entries.size(); ++i) {
      const LedgerEntry& e = entries[i];
      if (e.subject != approval_id ||
          (e.type != "approval.issued" && e.type != "approval.cosigned")) {
        continue;
      }
      GOV_ASSIGN_OR_RETURN(std::vector<std::string> path, MerkleInclusionProof(leaves, i));
      nlohmann::json hex = nlohmann::json::array();
      for (const auto& p : path) hex.push_back(HexEncode(p));
      proven.push_back({{"entry", EntryJson(e)}, {"audit_path", hex}});
    }
    bundle = {{"_type", kVerificationBundleType},
              {"approval_id", approval_id},
              {"exported_at", FormatRfc3339(now)},
              {"roots", roots},
              {"changes", changes},
              {"approval", ApprovalJson(approval)},
              {"approvals", running},
              {"training_output", training},
              {"revocations", revocations},
              {"deployments", {{"current", current}, {"history", history}}},
              {"snapshot", EnvelopeJson(*snapshot)},
              {"ledger", {{"size", entries.size()}, {"entries", proven}}}};
    return Status();
  }));
  return bundle.dump(1) + "\n";
}

StatusOr<PromotionResult> VerifyVerificationBundle(std::string_view text,
                                                   const Envelope& pinned_root,
                                                   const BundleGateRequest& request) {
  if (request.environment.empty()) return InvalidArgumentError("no environment given");
  const std::string origin = "bundle";
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, origin));
  JsonReader r(j, origin);
  GOV_RETURN_IF_ERROR(r.RequireObject());
  GOV_ASSIGN_OR_RETURN(std::string type, r.String("_type"));
  if (type != kVerificationBundleType) {
    return r.Error("_type", "must be \"" + std::string(kVerificationBundleType) + "\"");
  }
  GOV_ASSIGN_OR_RETURN(std::vector<Envelope> roots, ReadEnvelopes(r, "roots", origin));
  GOV_ASSIGN_OR_RETURN(std::vector<Envelope> changes, ReadEnvelopes(r, "changes", origin));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* approval_json, r.Member("approval", true));
  GOV_ASSIGN_OR_RETURN(ApprovalRecord approval, ReadApproval(*approval_json, origin + ": /approval"));
  GOV_ASSIGN_OR_RETURN(std::vector<ApprovalRecord> approvals,
                       ReadList<ApprovalRecord>(r, "approvals", origin, ReadApproval));
  approvals.push_back(approval);
  std::optional<TrainingOutputRecord> training;
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* t, r.Member("training_output", false));
  if (!t->is_null()) {
    JsonReader tr(*t, origin, "/training_output");
    TrainingOutputRecord rec;
    GOV_ASSIGN_OR_RETURN(rec.digest, tr.String("digest"));
    GOV_ASSIGN_OR_RETURN(rec.model_id, tr.String("model_id"));
    GOV_ASSIGN_OR_RETURN(rec.model_version, tr.String("model_version"));
    GOV_ASSIGN_OR_RETURN(const nlohmann::json* env, tr.Member("envelope", true));
    GOV_ASSIGN_OR_RETURN(rec.envelope, ReadEnvelope(*env, origin + ": /training_output/envelope"));
    training = std::move(rec);
  }
  GOV_ASSIGN_OR_RETURN(std::vector<Revocation> revocations,
                       ReadList<Revocation>(r, "revocations", origin, ReadRevocation));
  GOV_ASSIGN_OR_RETURN(JsonReader deployments, r.Object("deployments"));
  GOV_ASSIGN_OR_RETURN(std::vector<Deployment> current,
                       ReadList<Deployment>(deployments, "current", origin, ReadDeployment));
  GOV_ASSIGN_OR_RETURN(std::vector<Deployment> history,
                       ReadList<Deployment>(deployments, "history", origin, ReadDeployment));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* snapshot_json, r.Member("snapshot", true));
  GOV_ASSIGN_OR_RETURN(Envelope snapshot, ReadEnvelope(*snapshot_json, origin + ": /snapshot"));
  GOV_ASSIGN_OR_RETURN(JsonReader ledger, r.Object("ledger"));
  GOV_ASSIGN_OR_RETURN(std::vector<ProvenEntry> proven,
                       ReadList<ProvenEntry>(ledger, "entries", origin, ReadProvenEntry));

  const int64_t now = request.now != 0 ? request.now : NowSeconds();
  GateInputs in;
  in.approval_id = approval.approval_id;
  in.environment = request.environment;
  in.scope = request.scope;
  in.now = now;
  if (request.artifact_path) {
    GOV_ASSIGN_OR_RETURN(ArtifactDigest d, HashArtifact(*request.artifact_path, VerifyingHashOptions()));
    in.artifact_digest = d.digest;
    in.artifact_origin = "artifact " + *request.artifact_path;
  }

  StateVerdict verdict;
  GovernanceState& state = verdict.state;
  auto chain = VerifyRootChain(pinned_root, roots, now);
  if (!chain.ok()) {
    verdict.trust_problem = chain.status().message();
  } else {
    state.roots = std::move(*chain);
    verdict.trust_problem = DeriveFromChanges(changes, state);
  }
  if (verdict.trusted()) {
    for (const auto& v : revocations) {
      verdict.trust_problem = CheckRevocation(v, state);
      if (!verdict.trusted()) break;
    }
    state.revocations = revocations;
  }
  if (verdict.trusted()) {
    FactsState facts;
    facts.revocations = RevocationsDigest(revocations);
    facts.deployments = CurrentDeploymentsDigest(current);
    verdict.snapshot_problem =
        CheckSnapshot(snapshot, facts, state, now, true, request.max_snapshot_age_seconds);
    // The histories must end where the signed current deployments say.
    for (const auto& d : current) {
      if (d.model_id != approval.model_id || !verdict.snapshot_problem.empty()) continue;
      const Deployment* newest = nullptr;
      for (const auto& h : history) {
        if (h.model_id == d.model_id && h.environment == d.environment &&
            (!newest || h.id > newest->id)) {
          newest = &h;
        }
      }
      if (!newest || DeploymentDigest(*newest) != DeploymentDigest(d)) {
        verdict.snapshot_problem = "the bundle's history of " + d.model_id + " in " +
                                   d.environment + " does not end at its current deployment";
      }
    }
    if (verdict.snapshot_problem.empty()) {
      verdict.snapshot_problem = CheckLedgerEvidence(proven, approval, state);
    }
  }
  BundleFacts facts(std::move(approvals), std::move(training), std::move(history));
  return EvaluateGate(verdict, facts, in);
}

}  // namespace governance
