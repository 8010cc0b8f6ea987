// The in-memory backend: plain containers, copied per transaction so that a
// failed transaction leaves nothing behind. For tests and embedding.
#include <algorithm>
#include <map>
#include <mutex>

#include "core/time.h"
#include "governance/store.h"
#include "store/sql_schema.h"
#include "store/store_state.h"

namespace governance {
namespace {

struct MemoryState {
  std::vector<RootRecord> roots;       // by version
  std::vector<ChangeRecord> changes;   // in the order put
  std::map<std::string, std::string, std::less<>> bundles;
  std::optional<Envelope> snapshot;
  std::vector<KeyRecord> keys;  // in enrolment order
  std::map<std::string, TrainingOutputRecord, std::less<>> training_outputs;
  std::vector<ApprovalRecord> approvals;  // in creation order
  std::vector<Revocation> revocations;
  std::vector<Deployment> deployments;    // in id order
  std::map<std::string, std::string, std::less<>> settings;
  std::vector<LedgerEntry> ledger;
};

class MemoryTransaction final : public StoreTransaction {
 public:
  MemoryTransaction(MemoryState& state, const StoreOptions& options, bool read_only)
      : s_(state), options_(options), read_only_(read_only) {}

  bool wrote() const { return wrote_; }
  Status Seal(int64_t now) {
    GOV_ASSIGN_OR_RETURN(Envelope snapshot, SealSnapshot(*this, *options_.ledger_key, now));
    s_.snapshot = std::move(snapshot);
    return Status();
  }

  Status PutRoot(const RootRecord& r) override {
    GOV_RETURN_IF_ERROR(Writable());
    for (const auto& existing : s_.roots) {
      if (existing.version == r.version) {
        return AlreadyExistsError("root v" + std::to_string(r.version) + " exists");
      }
    }
    s_.roots.push_back(r);
    std::sort(s_.roots.begin(), s_.roots.end(),
              [](const RootRecord& a, const RootRecord& b) { return a.version < b.version; });
    return Status();
  }
  Status UpdateRoot(const RootRecord& r) override {
    GOV_RETURN_IF_ERROR(Writable());
    for (auto& existing : s_.roots) {
      if (existing.version == r.version) {
        existing = r;
        return Status();
      }
    }
    return NotFoundError("no root v" + std::to_string(r.version));
  }
  StatusOr<std::vector<RootRecord>> ListRoots() override { return s_.roots; }

  Status PutChange(const ChangeRecord& c) override {
    GOV_RETURN_IF_ERROR(Writable());
    for (const auto& existing : s_.changes) {
      if (existing.change_id == c.change_id) {
        return AlreadyExistsError("governance change " + c.change_id + " exists");
      }
    }
    s_.changes.push_back(c);
    return Status();
  }
  Status UpdateChange(const ChangeRecord& c) override {
    GOV_RETURN_IF_ERROR(Writable());
    for (auto& existing : s_.changes) {
      if (existing.change_id == c.change_id) {
        existing = c;
        return Status();
      }
    }
    return NotFoundError("no governance change " + c.change_id);
  }
  StatusOr<std::vector<ChangeRecord>> ListChanges() override {
    std::vector<ChangeRecord> out;
    for (const auto& c : s_.changes) {
      if (c.state == "applied") out.push_back(c);
    }
    std::stable_sort(out.begin(), out.end(), [](const ChangeRecord& a, const ChangeRecord& b) {
      return a.sequence < b.sequence;
    });
    for (const auto& c : s_.changes) {
      if (c.state != "applied") out.push_back(c);
    }
    return out;
  }

  Status PutPolicyBundle(std::string_view digest, std::string_view files) override {
    GOV_RETURN_IF_ERROR(Writable());
    s_.bundles.emplace(std::string(digest), std::string(files));
    return Status();
  }
  StatusOr<std::optional<std::string>> GetPolicyBundle(std::string_view digest) override {
    auto it = s_.bundles.find(digest);
    if (it == s_.bundles.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  StatusOr<std::vector<std::string>> ListPolicyBundles() override {
    std::vector<std::string> out;
    for (const auto& [digest, files] : s_.bundles) out.push_back(digest);
    return out;
  }

  Status PutKey(const KeyRecord& k) override {
    GOV_RETURN_IF_ERROR(Writable());
    if (FindKey(k.keyid)) return AlreadyExistsError("key " + k.keyid + " is already enrolled");
    s_.keys.push_back(k);
    return Status();
  }
  Status UpdateKey(const KeyRecord& k) override {
    GOV_RETURN_IF_ERROR(Writable());
    KeyRecord* existing = FindKey(k.keyid);
    if (!existing) return NotFoundError("no enrolled key " + k.keyid);
    *existing = k;
    return Status();
  }
  StatusOr<KeyRecord> GetKey(std::string_view keyid) override {
    if (KeyRecord* k = FindKey(keyid)) return *k;
    return NotFoundError("no enrolled key " + std::string(keyid));
  }
  StatusOr<std::vector<KeyRecord>> ListKeys() override {
    auto keys = s_.keys;
    std::stable_sort(keys.begin(), keys.end(), [](const KeyRecord& a, const KeyRecord& b) {
      return std::tie(a.enrolled_at, a.keyid) < std::tie(b.enrolled_at, b.keyid);
    });
    return keys;
  }

  Status PutTrainingOutput(const TrainingOutputRecord& t) override {
    GOV_RETURN_IF_ERROR(Writable());
    s_.training_outputs.emplace(t.digest, t);
    return Status();
  }
  StatusOr<TrainingOutputRecord> GetTrainingOutput(std::string_view digest) override {
    auto it = s_.training_outputs.find(digest);
    if (it == s_.training_outputs.end()) {
      return NotFoundError("no training output " + std::string(digest));
    }
    return it->second;
  }

  Status PutApproval(const ApprovalRecord& a) override {
    GOV_RETURN_IF_ERROR(Writable());
    if (FindApproval(a.approval_id)) {
      return AlreadyExistsError("approval " + a.approval_id + " already exists");
    }
    ApprovalRecord copy = a;
    copy.envelope.signatures.clear();
    s_.approvals.push_back(std::move(copy));
    for (const auto& sig : a.envelope.signatures) {
      GOV_RETURN_IF_ERROR(AddApprovalSignature(a.approval_id, sig));
    }
    return Status();
  }
  StatusOr<ApprovalRecord> GetApproval(std::string_view id) override {
    if (ApprovalRecord* a = FindApproval(id)) return *a;
    return NotFoundError("no approval " + std::string(id));
  }
  StatusOr<std::vector<ApprovalRecord>> ListApprovals(
      std::optional<std::string_view> model_id) override {
    std::vector<ApprovalRecord> out;
    for (const auto& a : s_.approvals) {
      if (!model_id || a.model_id == *model_id) out.push_back(a);
    }
    std::stable_sort(out.begin(), out.end(), [](const ApprovalRecord& a, const ApprovalRecord& b) {
      return std::tie(a.created_at, a.approval_id) < std::tie(b.created_at, b.approval_id);
    });
    return out;
  }
  Status AddApprovalSignature(std::string_view id, const EnvelopeSignature& sig) override {
    GOV_RETURN_IF_ERROR(Writable());
    ApprovalRecord* a = FindApproval(id);
    if (!a) return NotFoundError("no approval " + std::string(id));
    for (const auto& existing : a->envelope.signatures) {
      if (existing.keyid == sig.keyid) {
        return AlreadyExistsError("approval " + std::string(id) + " is already signed by key " +
                                  sig.keyid);
      }
    }
    a->envelope.signatures.push_back(sig);
    return Status();
  }

  Status PutRevocation(const Revocation& v) override {
    GOV_RETURN_IF_ERROR(Writable());
    GOV_ASSIGN_OR_RETURN(auto existing, FindRevocation(v.kind, v.target));
    if (existing) {
      return AlreadyExistsError(std::string(v.kind == Revocation::Kind::kApproval ? "approval"
                                                                                  : "model") +
                                " " + v.target + " is already revoked");
    }
    s_.revocations.push_back(v);
    return Status();
  }
  StatusOr<std::optional<Revocation>> FindRevocation(Revocation::Kind kind,
                                                     std::string_view target) override {
    for (const auto& v : s_.revocations) {
      if (v.kind == kind && v.target == target) return std::optional<Revocation>(v);
    }
    return std::optional<Revocation>();
  }
  StatusOr<std::vector<Revocation>> ListRevocations() override {
    auto out = s_.revocations;
    std::stable_sort(out.begin(), out.end(), [](const Revocation& a, const Revocation& b) {
      return std::tie(a.revoked_at, a.target) < std::tie(b.revoked_at, b.target);
    });
    return out;
  }

  StatusOr<int64_t> AddDeployment(const Deployment& d) override {
    GOV_RETURN_IF_ERROR(Writable());
    Deployment copy = d;
    copy.id = s_.deployments.empty() ? 1 : s_.deployments.back().id + 1;
    s_.deployments.push_back(copy);
    return copy.id;
  }
  StatusOr<std::vector<Deployment>> DeploymentHistory(std::string_view model_id,
                                                      std::string_view env) override {
    std::vector<Deployment> out;
    for (auto it = s_.deployments.rbegin(); it != s_.deployments.rend(); ++it) {
      if (it->model_id == model_id && it->environment == env) out.push_back(*it);
    }
    return out;
  }
  StatusOr<std::vector<Deployment>> CurrentDeployments() override {
    std::map<std::pair<std::string, std::string>, Deployment> latest;
    for (const auto& d : s_.deployments) latest[{d.model_id, d.environment}] = d;
    std::vector<Deployment> out;
    for (auto& [k, d] : latest) out.push_back(std::move(d));
    return out;
  }

  StatusOr<std::optional<std::string>> GetSetting(std::string_view name) override {
    auto it = s_.settings.find(name);
    if (it == s_.settings.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status PutSetting(std::string_view name, std::string_view value) override {
    GOV_RETURN_IF_ERROR(Writable());
    s_.settings[std::string(name)] = std::string(value);
    return Status();
  }
  StatusOr<std::vector<std::pair<std::string, std::string>>> ListSettings() override {
    return std::vector<std::pair<std::string, std::string>>(s_.settings.begin(),
                                                            s_.settings.end());
  }

  StatusOr<LedgerEntry> AppendLedger(const LedgerEvent& event) override {
    GOV_RETURN_IF_ERROR(Writable());
    int64_t now = options_.clock ? options_.clock() : NowSeconds();
    s_.ledger.push_back(SealLedgerEntry(event, s_.ledger.empty() ? nullptr : &s_.ledger.back(),
                                        now, *options_.ledger_key));
    LedgerEntry appended = s_.ledger.back();
    GOV_RETURN_IF_ERROR(ExtendLedgerFrontier(*this, appended));
    return appended;
  }
  StatusOr<std::vector<LedgerEntry>> ReadLedger(int64_t from, int64_t limit) override {
    std::vector<LedgerEntry> out;
    for (const auto& e : s_.ledger) {
      if (e.sequence >= from && e.sequence - from < limit) out.push_back(e);
    }
    return out;
  }
  StatusOr<int64_t> LedgerSize() override { return static_cast<int64_t>(s_.ledger.size()); }
  StatusOr<std::optional<LedgerEntry>> LastLedgerEntry() override {
    if (s_.ledger.empty()) return std::optional<LedgerEntry>();
    return std::optional<LedgerEntry>(s_.ledger.back());
  }

  StatusOr<std::optional<Envelope>> GetSnapshot() override { return s_.snapshot; }
  StatusOr<std::vector<int64_t>> SchemaVersions() override {
    std::vector<int64_t> out;
    for (const Migration& m : SchemaMigrations()) out.push_back(m.version);
    return out;
  }
  StatusOr<StoreState> CurrentState() override {
    if (!state_) {
      GOV_ASSIGN_OR_RETURN(StoreState st, ComputeStoreState(*this));
      state_ = std::move(st);
    }
    return *state_;
  }
  StatusOr<std::map<std::string, int64_t>> CountRows() override {
    int64_t signatures = 0;
    for (const auto& a : s_.approvals) signatures += static_cast<int64_t>(a.envelope.signatures.size());
    return std::map<std::string, int64_t>{
        {"roots", static_cast<int64_t>(s_.roots.size())},
        {"governance_changes", static_cast<int64_t>(s_.changes.size())},
        {"keys", static_cast<int64_t>(s_.keys.size())},
        {"policy_bundles", static_cast<int64_t>(s_.bundles.size())},
        {"training_outputs", static_cast<int64_t>(s_.training_outputs.size())},
        {"approvals", static_cast<int64_t>(s_.approvals.size())},
        {"approval_signatures", signatures},
        {"revocations", static_cast<int64_t>(s_.revocations.size())},
        {"deployments", static_cast<int64_t>(s_.deployments.size())},
        {"settings", static_cast<int64_t>(s_.settings.size())}};
  }

 private:
  // Every write goes through here: the first one checks that the store is
  // still what its last snapshot signed.
  Status Writable() {
    if (read_only_) return FailedPreconditionError("write attempted in a read-only view");
    if (!options_.ledger_key) {
      return FailedPreconditionError(
          "the store was opened without its ledger key, which signs every change");
    }
    if (!checked_) {
      GOV_RETURN_IF_ERROR(CheckBeforeWrite(*this, *options_.ledger_key));
      checked_ = true;
    }
    wrote_ = true;
    state_.reset();
    return Status();
  }
  KeyRecord* FindKey(std::string_view keyid) {
    for (auto& k : s_.keys) {
      if (k.keyid == keyid) return &k;
    }
    return nullptr;
  }
  ApprovalRecord* FindApproval(std::string_view id) {
    for (auto& a : s_.approvals) {
      if (a.approval_id == id) return &a;
    }
    return nullptr;
  }

  MemoryState& s_;
  const StoreOptions& options_;
  const bool read_only_;
  bool checked_ = false;
  bool wrote_ = false;
  std::optional<StoreState> state_;
};

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(StoreOptions options) : options_(std::move(options)) {}

  Status Transact(const std::function<Status(StoreTransaction&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    MemoryState draft = state_;
    MemoryTransaction txn(draft, options_, /*read_only=*/false);
    GOV_RETURN_IF_ERROR(fn(txn));
    if (txn.wrote()) {
      GOV_RETURN_IF_ERROR(txn.Seal(options_.clock ? options_.clock() : NowSeconds()));
    }
    state_ = std::move(draft);
    return Status();
  }
  Status Read(const std::function<Status(StoreTransaction&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    MemoryTransaction txn(state_, options_, /*read_only=*/true);
    return fn(txn);
  }
  std::string url() const override { return "memory:"; }
  Status Migrate() override { return Status(); }
  StatusOr<int> SchemaVersion() override { return CurrentSchemaVersion(); }

 private:
  const StoreOptions options_;
  std::mutex mu_;
  MemoryState state_;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore(StoreOptions options) {
  return std::make_unique<MemoryStore>(std::move(options));
}

}  // namespace governance
