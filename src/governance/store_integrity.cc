// The whole-store audit (integrity.h).
#include <algorithm>
#include <map>
#include <tuple>
#include <set>

#include "core/digest.h"
#include "core/document.h"
#include "core/encoding.h"
#include "core/time.h"
#include "governance/integrity.h"
#include "governance/state.h"
#include "governance/statements.h"

namespace governance {
namespace {

// What the ledger says was created, from the entries after the root.
struct LedgerFacts {
  int64_t root_sequence = 0;  // the first entry of the governance root; 0: none
  std::set<std::string> applied_roots, root_subjects;
  std::map<std::string, std::string> applied_changes;  // change id -> payload digest
  std::set<std::string> proposed_changes;
  std::map<std::string, std::string> approvals;        // approval id -> statement digest
  std::map<std::string, std::string> first_signers;    // approval id -> keyid
  std::set<std::string> legacy_approvals;
  std::set<std::tuple<std::string, std::string, std::string>> cosignatures;
  std::set<std::pair<std::string, std::string>> legacy_cosignatures;
  std::set<std::string> training_outputs;
  std::set<std::string> revocations;                   // revocation payload digests
  std::map<int64_t, std::string> deployments;          // id -> record digest
  std::set<int64_t> legacy_deployments;
  std::set<std::string> policy_bundles;
};

std::string Text(const nlohmann::json& d, const char* name) {
  auto it = d.find(name);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

LedgerFacts ReadFacts(const std::vector<LedgerEntry>& entries) {
  LedgerFacts f;
  for (const auto& e : entries) {
    if (f.root_sequence == 0 && e.type.rfind("governance.root", 0) == 0) {
      f.root_sequence = e.sequence;
    }
  }
  for (const auto& e : entries) {
    const bool legacy = f.root_sequence == 0 || e.sequence < f.root_sequence;
    const nlohmann::json d = ParseJson(e.details, "ledger details").value_or(nullptr);
    if (!d.is_object()) continue;
    if (!Text(d, "training_output_digest").empty()) {
      f.training_outputs.insert(Text(d, "training_output_digest"));
    }
    if (e.type == "governance.root") {
      f.applied_roots.insert(Text(d, "root_digest"));
      f.root_subjects.insert(e.subject);
    } else if (e.type.rfind("governance.root-", 0) == 0) {
      f.root_subjects.insert(e.subject);
    } else if (e.type == "governance.applied") {
      f.applied_changes[e.subject] = Text(d, "change_digest");
    } else if (e.type == "governance.proposed") {
      f.proposed_changes.insert(e.subject);
    } else if (e.type == "approval.issued") {
      if (legacy) {
        f.legacy_approvals.insert(e.subject);
      } else {
        f.approvals[e.subject] = Text(d, "statement_digest");
        f.first_signers[e.subject] = Text(d, "keyid");
      }
    } else if (e.type == "approval.cosigned") {
      if (legacy) {
        f.legacy_cosignatures.insert({e.subject, Text(d, "keyid")});
      } else {
        f.cosignatures.insert({e.subject, Text(d, "keyid"), Text(d, "signature_digest")});
      }
    } else if (e.type == "approval.revoked" || e.type == "model.revoked") {
      if (!legacy) f.revocations.insert(Text(d, "revocation_digest"));
    } else if (e.type == "deploy.allowed" || e.type == "rollback.allowed") {
      auto id = d.find("deployment_id");
      if (id == d.end() || !id->is_number_integer()) continue;
      if (legacy) {
        f.legacy_deployments.insert(id->get<int64_t>());
      } else {
        f.deployments[id->get<int64_t>()] = Text(d, "deployment_digest");
      }
    } else if (e.type == "policy.stored") {
      f.policy_bundles.insert(e.subject);
    }
  }
  return f;
}

class Problems {
 public:
  explicit Problems(IntegrityReport& report) : report_(report) {}
  // Keeps the first problem of each table.
  void Add(const std::string& table, std::string what) {
    if (seen_.insert(table).second) report_.problems.push_back({table, std::move(what)});
  }
  void Row() { ++report_.rows_checked; }

 private:
  IntegrityReport& report_;
  std::set<std::string> seen_;
};

// Whether `sig` does not verify with the enrolled key it names: the ledger
// records who signed an approval first and who trained, not the bytes of
// those signatures. Without a verified keyring (the report says why) it
// judges nothing.
bool FailsToVerify(const GovernanceState* keyring, const Envelope& env,
                   const EnvelopeSignature& sig) {
  if (!keyring) return false;
  const KeyRecord* key = keyring->FindKey(sig.keyid);
  if (!key) return true;
  auto pub = PublicKey::FromEnrolledPem(key->public_key_pem, "enrolled key");
  return !pub.ok() || !VerifySignature(env, sig, *pub);
}

Status AuditTables(StoreTransaction& txn, const LedgerFacts& f, const GovernanceState* keyring,
                   Problems& p) {
  GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
  std::set<std::string> stored_roots;
  for (const auto& r : roots) {
    p.Row();
    const std::string digest = Sha256DigestOf(r.envelope.payload);
    if (r.state == "applied") {
      stored_roots.insert(digest);
      if (!f.applied_roots.count(digest)) {
        p.Add("roots", "root v" + std::to_string(r.version) + " is not the one the ledger recorded");
      }
    } else if (!f.root_subjects.count("root-v" + std::to_string(r.version))) {
      p.Add("roots", "pending root v" + std::to_string(r.version) + " has no ledger entry");
    }
  }
  for (const auto& d : f.applied_roots) {
    if (!stored_roots.count(d)) p.Add("roots", "the root " + d.substr(0, 19) + "… the ledger recorded is missing");
  }

  GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> changes, txn.ListChanges());
  std::set<std::string> applied_rows;
  for (const auto& c : changes) {
    p.Row();
    if (c.state == "applied") {
      applied_rows.insert(c.change_id);
      auto it = f.applied_changes.find(c.change_id);
      if (it == f.applied_changes.end()) {
        p.Add("governance_changes", c.change_id + " is applied, but no ledger entry applied it");
      } else if (it->second != Sha256DigestOf(c.envelope.payload)) {
        p.Add("governance_changes", c.change_id + " differs from the change the ledger applied");
      }
    } else if (!f.proposed_changes.count(c.change_id)) {
      p.Add("governance_changes", "pending " + c.change_id + " was never proposed in the ledger");
    }
  }
  for (const auto& [id, digest] : f.applied_changes) {
    if (!applied_rows.count(id)) p.Add("governance_changes", "applied change " + id + " is missing");
  }

  GOV_ASSIGN_OR_RETURN(std::vector<ApprovalRecord> approvals, txn.ListApprovals());
  std::set<std::string> approval_rows;
  std::set<std::tuple<std::string, std::string, std::string>> signature_rows;
  for (const auto& a : approvals) {
    p.Row();
    approval_rows.insert(a.approval_id);
    auto it = f.approvals.find(a.approval_id);
    const bool legacy = f.legacy_approvals.count(a.approval_id) > 0;
    if (it == f.approvals.end() && !legacy) {
      p.Add("approvals", "approval " + a.approval_id + " was issued by no ledger entry");
      continue;
    }
    if (!legacy && it->second != Sha256DigestOf(a.envelope.payload)) {
      p.Add("approvals", "approval " + a.approval_id + " differs from the statement the ledger "
                                                       "recorded (edited)");
    }
    auto statement = ParseApprovalStatement(a.envelope.payload, "approval " + a.approval_id);
    if (!statement.ok() || statement->model_id != a.model_id ||
        statement->model_version != a.model_version ||
        statement->artifact_digest != a.artifact_digest) {
      p.Add("approvals", "approval " + a.approval_id + ": its columns differ from its statement");
    }
    for (size_t i = 0; i < a.envelope.signatures.size(); ++i) {
      p.Row();
      const auto& sig = a.envelope.signatures[i];
      const std::string sig_digest = Sha256DigestOf(sig.sig);
      signature_rows.insert({a.approval_id, sig.keyid, sig_digest});
      bool known = f.cosignatures.count({a.approval_id, sig.keyid, sig_digest}) > 0;
      if (legacy) {
        known = known || i == 0 || f.legacy_cosignatures.count({a.approval_id, sig.keyid}) > 0;
      } else if (i == 0) {
        auto first = f.first_signers.find(a.approval_id);
        known = known || (first != f.first_signers.end() && first->second == sig.keyid);
      }
      if (!known) {
        p.Add("approval_signatures", "approval " + a.approval_id + " holds a signature by key " +
                                         sig.keyid.substr(0, 16) + " that no ledger entry added");
      } else if (i == 0 && !legacy && FailsToVerify(keyring, a.envelope, sig)) {
        p.Add("approval_signatures", "approval " + a.approval_id + ": the signature by key " +
                                         sig.keyid.substr(0, 16) + " does not verify (edited)");
      }
    }
  }
  for (const auto& [id, digest] : f.approvals) {
    if (!approval_rows.count(id)) p.Add("approvals", "approval " + id + " is missing");
  }
  for (const auto& s : f.cosignatures) {
    if (!signature_rows.count(s)) {
      p.Add("approval_signatures", "the co-signature of " + std::get<0>(s) + " by key " +
                                       std::get<1>(s).substr(0, 16) + " is missing");
    }
  }

  std::set<std::string> referenced;
  for (const auto& a : approvals) {
    auto statement = ParseApprovalStatement(a.envelope.payload, "approval");
    if (statement.ok()) referenced.insert(statement->training_output_digest);
  }
  for (const auto& digest : f.training_outputs) {
    auto t = txn.GetTrainingOutput(digest);
    if (t.status().code() == StatusCode::kNotFound) continue;  // a denied approval's
    GOV_RETURN_IF_ERROR(t.status());
    p.Row();
    auto out = ParseJson(t->envelope.payload, "training output");
    auto parsed = out.ok() ? TrainingOutputFromJson(*out, "training output")
                           : StatusOr<TrainingOutput>(out.status());
    if (!parsed.ok() || parsed->model_id != t->model_id ||
        parsed->model_version != t->model_version) {
      p.Add("training_outputs", "training output " + digest.substr(0, 19) +
                                    "…: its columns differ from its payload");
    }
    if (Sha256DigestOf(t->envelope.payload) != digest) {
      p.Add("training_outputs", "training output " + digest.substr(0, 19) +
                                    "… does not hash to its digest (edited)");
    }
    const bool trainer_signed =
        parsed.ok() && std::any_of(t->envelope.signatures.begin(), t->envelope.signatures.end(),
                                   [&](const EnvelopeSignature& sig) {
                                     return sig.keyid == parsed->trainer_keyid &&
                                            !FailsToVerify(keyring, t->envelope, sig);
                                   });
    if (!trainer_signed) {
      p.Add("training_outputs", "training output " + digest.substr(0, 19) +
                                    "…: its trainer's signature does not verify (edited)");
    }
  }
  for (const auto& digest : referenced) {
    auto t = txn.GetTrainingOutput(digest);
    if (t.status().code() == StatusCode::kNotFound) {
      p.Add("training_outputs", "training output " + digest.substr(0, 19) +
                                    "… of an approval is missing");
    }
  }
  GOV_ASSIGN_OR_RETURN(auto counts, txn.CountRows());
  int64_t known_outputs = 0;
  for (const auto& digest : f.training_outputs) {
    known_outputs += txn.GetTrainingOutput(digest).ok() ? 1 : 0;
  }
  for (const auto& digest : referenced) {
    if (!f.training_outputs.count(digest)) known_outputs += txn.GetTrainingOutput(digest).ok();
  }
  if (counts["training_outputs"] != known_outputs) {
    p.Add("training_outputs", std::to_string(counts["training_outputs"] - known_outputs) +
                                  " row(s) no ledger entry or approval accounts for");
  }

  GOV_ASSIGN_OR_RETURN(std::vector<Revocation> revocations, txn.ListRevocations());
  std::set<std::string> revocation_rows;
  for (const auto& v : revocations) {
    p.Row();
    if (v.envelope.payload.empty()) continue;  // carried over: state.h checks it
    const std::string digest = Sha256DigestOf(v.envelope.payload);
    revocation_rows.insert(digest);
    if (!f.revocations.count(digest)) {
      p.Add("revocations", "the revocation of " + v.target + " has no ledger entry");
    }
  }
  for (const auto& digest : f.revocations) {
    if (!revocation_rows.count(digest)) {
      p.Add("revocations", "a revocation the ledger recorded (" + digest.substr(0, 19) +
                               "…) is missing");
    }
  }

  GOV_ASSIGN_OR_RETURN(std::vector<Deployment> current, txn.CurrentDeployments());
  std::set<std::pair<std::string, std::string>> targets;
  for (const auto& d : current) targets.insert({d.model_id, d.environment});
  std::set<int64_t> deployment_rows;
  for (const auto& [model, env] : targets) {
    GOV_ASSIGN_OR_RETURN(std::vector<Deployment> history, txn.DeploymentHistory(model, env));
    for (const auto& d : history) {
      p.Row();
      deployment_rows.insert(d.id);
      if (d.envelope.payload.empty()) {
        if (!f.legacy_deployments.count(d.id)) {
          p.Add("deployments", "unsigned deployment " + std::to_string(d.id) +
                                   " was recorded by no ledger entry");
        }
        continue;
      }
      auto it = f.deployments.find(d.id);
      auto statement = ParseDeploymentPayload(d.envelope.payload, "deployment");
      const bool columns_match =
          statement.ok() && statement->deployment.environment == d.environment &&
          statement->deployment.model_id == d.model_id &&
          statement->deployment.model_version == d.model_version &&
          statement->deployment.approval_id == d.approval_id &&
          statement->deployment.artifact_digest == d.artifact_digest &&
          statement->deployment.deployed_by == d.deployed_by &&
          statement->deployment.deployed_at == d.deployed_at &&
          statement->deployment.kind == d.kind;
      if (!columns_match) {
        p.Add("deployments", "deployment " + std::to_string(d.id) +
                                 ": its columns differ from its signed statement");
      } else if (it == f.deployments.end() || it->second != DeploymentDigest(d)) {
        p.Add("deployments", "deployment " + std::to_string(d.id) + " of " + d.model_id + " in " +
                                 d.environment + " is not the one the ledger recorded");
      }
    }
  }
  for (const auto& [id, digest] : f.deployments) {
    if (!deployment_rows.count(id)) {
      p.Add("deployments", "deployment " + std::to_string(id) + " the ledger recorded is missing");
    }
  }

  GOV_ASSIGN_OR_RETURN(std::vector<std::string> bundles, txn.ListPolicyBundles());
  for (const auto& digest : bundles) {
    p.Row();
    if (!f.policy_bundles.count(digest)) {
      p.Add("policy_bundles", "bundle " + digest.substr(0, 19) + "… was stored by no ledger entry");
    }
    GOV_ASSIGN_OR_RETURN(std::optional<std::string> files, txn.GetPolicyBundle(digest));
    auto loaded = LoadSerializedPolicyBundle(files.value_or(""), digest, "bundle");
    if (!loaded.ok()) p.Add("policy_bundles", loaded.status().message());
  }
  for (const auto& digest : f.policy_bundles) {
    if (std::find(bundles.begin(), bundles.end(), digest) == bundles.end()) {
      p.Add("policy_bundles", "bundle " + digest.substr(0, 19) + "… the ledger stored is missing");
    }
  }

  GOV_ASSIGN_OR_RETURN(auto settings, txn.ListSettings());
  for (const auto& [name, value] : settings) {
    p.Row();
    const bool legacy = name == "governance.config" || name == "policy.bundle_dir" ||
                        name == "ledger.public_key";
    if (name != "ledger.frontier" && !(legacy && (f.root_sequence == 0 || value.empty()))) {
      p.Add("settings", "setting \"" + name + "\" is not one mgov keeps");
    }
  }
  return Status();
}

}  // namespace

StatusOr<IntegrityReport> AuditStoreIntegrity(StoreTransaction& txn, TrustStore& trust,
                                              int64_t now,
                                              const std::optional<LedgerCheckpoint>& checkpoint) {
  IntegrityReport report;
  GOV_ASSIGN_OR_RETURN(StateVerdict verdict,
                       VerifyStoreState(txn, trust, now,
                                        {.allow_stale_snapshot = true, .allow_expired_root = true}));
  report.trust_problem = verdict.trust_problem;
  report.snapshot_problem = verdict.snapshot_problem;
  GOV_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, txn.ReadLedger());
  std::vector<PublicKey> keys;
  if (!verdict.state.roots.chain.empty()) keys = LedgerKeys(verdict.state.roots);
  if (keys.empty()) {
    report.ledger.ok = false;
    report.ledger.reason = "no verified governance root names the keys that sign the ledger";
    return report;
  }
  report.ledger = VerifyLedger(entries, keys, checkpoint);
  if (verdict.state.snapshot && verdict.trusted()) {
    const GovernanceConfig& c = verdict.state.config;
    report.snapshot_stale =
        now - verdict.state.snapshot->issued_at > c.snapshot_ttl_seconds + c.clock_skew_seconds;
  }
  GOV_ASSIGN_OR_RETURN(StoreState current, txn.CurrentState());
  Problems problems(report);
  if (report.ledger.ok) {
    // Each entry by an online key of the root version in effect when it was
    // appended: a key rotated out signs nothing after its rotation.
    int64_t version = 1;
    for (const auto& e : entries) {
      const GovernanceRoot* in_effect = verdict.state.roots.Version(version);
      bool named = in_effect && in_effect->IsOnlineKey(e.signer_keyid);
      if (e.type == "governance.root" && e.subject == "root-v" + std::to_string(version + 1)) {
        const GovernanceRoot* next = verdict.state.roots.Version(++version);
        named = named || (next && next->IsOnlineKey(e.signer_keyid));
      }
      if (!named) {
        problems.Add("ledger", "entry " + std::to_string(e.sequence) + " is signed by key " +
                                   e.signer_keyid.substr(0, 16) + ", which root v" +
                                   std::to_string(version) +
                                   " does not name as an online key (rotated out)");
        break;
      }
    }
  }
  if (report.ledger.ok && report.ledger.root_hash != current.merkle_root) {
    problems.Add("settings", "the stored Merkle frontier does not match the ledger");
  }
  LedgerFacts facts = ReadFacts(entries);
  GOV_RETURN_IF_ERROR(
      AuditTables(txn, facts, verdict.trusted() ? &verdict.state : nullptr, problems));
  return report;
}

nlohmann::json ToJson(const IntegrityReport& r) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.problems) problems.push_back({{"table", p.table}, {"problem", p.what}});
  return {{"ok", r.ok()},
          {"entries", r.ledger.entries},
          {"first_bad_sequence", r.ledger.first_bad_sequence},
          {"reason", r.ledger.reason},
          {"root_hash", r.ledger.root_hash},
          {"trust_problem", r.trust_problem},
          {"snapshot_problem", r.snapshot_problem},
          {"snapshot_stale", r.snapshot_stale},
          {"rows_checked", r.rows_checked},
          {"table_problems", problems}};
}

}  // namespace governance
