#include "store/sql_store.h"

#include <chrono>
#include <set>
#include <thread>

#include "core/document.h"
#include "core/encoding.h"
#include "core/time.h"
#include "store/sql_schema.h"
#include "store/store_state.h"

namespace governance {
namespace {

std::string JoinRoles(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) {
    if (!out.empty()) out += ',';
    out += RoleName(r);
  }
  return out;
}

std::string KindName(Revocation::Kind kind) {
  return kind == Revocation::Kind::kApproval ? "approval" : "model";
}

StatusOr<KeyRecord> KeyFromRow(const SqlRow& r) {
  KeyRecord k;
  k.keyid = r.Text(0);
  k.identity = r.Text(1);
  auto roles = ParseRoles(r.Text(2));
  if (!roles.ok()) return DataLossError("stored key " + k.keyid + ": " + roles.status().message());
  k.roles = *roles;
  k.public_key_pem = r.Text(3);
  k.enrolled_at = r.Int(4);
  k.revoked = r.Int(5) != 0;
  k.revoked_at = r.Int(6);
  k.revocation_reason = r.Text(7);
  return k;
}

// Envelopes are stored compactly, one field a line, so that reading the
// governance chain on every action costs base64 rather than JSON:
//   "dsse1\n<payloadType>\n<base64 payload>\n" then "<keyid> <base64 sig>\n" each.
// Text that starts with '{' is the JSON form (EnvelopeToJson), which older
// rows hold and which is read as well.
std::string EnvelopeColumnText(const Envelope& env) {
  if (env.payload.empty() && env.signatures.empty()) return std::string();
  std::string out = "dsse1\n" + env.payload_type + "\n" + Base64Encode(env.payload) + "\n";
  for (const auto& sig : env.signatures) out += sig.keyid + " " + Base64Encode(sig.sig) + "\n";
  return out;
}

StatusOr<Envelope> EnvelopeColumn(const std::string& text, const std::string& what) {
  if (text.empty()) return Envelope();
  if (text[0] == '{') {
    auto env = ParseEnvelope(text, what);
    if (!env.ok()) return DataLossError(env.status().message());
    return std::move(*env);
  }
  const Status corrupt = DataLossError(what + " is corrupt");
  std::vector<std::string_view> lines;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return corrupt;
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3 || lines[0] != "dsse1") return corrupt;
  Envelope env;
  env.payload_type = std::string(lines[1]);
  auto payload = Base64Decode(lines[2]);
  if (!payload.ok()) return corrupt;
  env.payload = std::move(*payload);
  for (size_t i = 3; i < lines.size(); ++i) {
    size_t space = lines[i].find(' ');
    if (space == std::string_view::npos) return corrupt;
    auto sig = Base64Decode(lines[i].substr(space + 1));
    if (!sig.ok() || sig->size() != 64) return corrupt;
    env.signatures.push_back({std::string(lines[i].substr(0, space)), std::move(*sig)});
  }
  return env;
}

StatusOr<Deployment> DeploymentFromRow(const SqlRow& r) {
  Deployment d;
  d.id = r.Int(0);
  d.environment = r.Text(1);
  d.model_id = r.Text(2);
  d.model_version = r.Text(3);
  d.approval_id = r.Text(4);
  d.artifact_digest = r.Text(5);
  d.deployed_by = r.Text(6);
  d.deployed_at = r.Int(7);
  d.kind = r.Text(8);
  GOV_ASSIGN_OR_RETURN(d.envelope,
                       EnvelopeColumn(r.Text(9), "stored deployment " + std::to_string(d.id)));
  return d;
}

StatusOr<LedgerEntry> LedgerFromRow(const SqlRow& r) {
  LedgerEntry e;
  e.sequence = r.Int(0);
  e.timestamp = r.Int(1);
  e.type = r.Text(2);
  e.actor = r.Text(3);
  e.subject = r.Text(4);
  e.details = r.Text(5);
  e.prev_hash = r.Text(6);
  e.hash = r.Text(7);
  e.signer_keyid = r.Text(8);
  auto sig = Base64Decode(r.Text(9));
  // A corrupt signature column is reported by verification, not by reading.
  e.signature = sig.ok() ? *sig : std::string();
  return e;
}

constexpr const char* kKeyColumns =
    "keyid, identity, roles, public_key_pem, enrolled_at, revoked, revoked_at, revocation_reason";
constexpr const char* kDeploymentColumns =
    "id, environment, model_id, model_version, approval_id, artifact_digest, deployed_by, "
    "deployed_at, kind, envelope";
constexpr const char* kLedgerColumns =
    "sequence, timestamp, type, actor, subject, details, prev_hash, hash, signer_keyid, signature";

class SqlTransaction final : public StoreTransaction {
 public:
  SqlTransaction(SqlConnection& conn, const StoreOptions& options, bool read_only)
      : conn_(conn), options_(options), read_only_(read_only) {}

  bool wrote() const { return wrote_; }

  // Stores the snapshot that seals this transaction's writes.
  Status Seal(int64_t now) {
    GOV_ASSIGN_OR_RETURN(Envelope snapshot, SealSnapshot(*this, *options_.ledger_key, now));
    GOV_RETURN_IF_ERROR(conn_.Query("DELETE FROM snapshots WHERE id = 1").status());
    return conn_
        .Query("INSERT INTO snapshots (id, envelope) VALUES (1, ?)", {EnvelopeColumnText(snapshot)})
        .status();
  }

  Status PutRoot(const RootRecord& r) override {
    GOV_RETURN_IF_ERROR(Writable("roots"));
    GOV_ASSIGN_OR_RETURN(bool inserted,
                         Insert("INSERT INTO roots (version, state, envelope) VALUES (?, ?, ?)",
                                {r.version, r.state, EnvelopeColumnText(r.envelope)}));
    if (!inserted) return AlreadyExistsError("root v" + std::to_string(r.version) + " exists");
    return Status();
  }

  Status UpdateRoot(const RootRecord& r) override {
    GOV_RETURN_IF_ERROR(Writable("roots"));
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query("UPDATE roots SET state = ?, envelope = ? WHERE "
                                                "version = ? RETURNING 1",
                                                {r.state, EnvelopeColumnText(r.envelope), r.version}));
    if (rows.empty()) return NotFoundError("no root v" + std::to_string(r.version));
    return Status();
  }

  StatusOr<std::vector<RootRecord>> ListRoots() override {
    if (roots_) return *roots_;
    GOV_ASSIGN_OR_RETURN(auto rows,
                         conn_.Query("SELECT version, state, envelope FROM roots ORDER BY version"));
    std::vector<RootRecord> out;
    for (const auto& r : rows) {
      RootRecord root{r.Int(0), r.Text(1), {}};
      GOV_ASSIGN_OR_RETURN(root.envelope,
                           EnvelopeColumn(r.Text(2), "stored root v" + std::to_string(root.version)));
      out.push_back(std::move(root));
    }
    roots_ = out;
    return out;
  }

  Status PutChange(const ChangeRecord& c) override {
    GOV_RETURN_IF_ERROR(Writable("governance_changes"));
    GOV_ASSIGN_OR_RETURN(auto pos, conn_.Query("SELECT COALESCE(MAX(position), 0) + 1 FROM "
                                               "governance_changes"));
    GOV_ASSIGN_OR_RETURN(bool inserted,
                         Insert("INSERT INTO governance_changes (change_id, sequence, state, "
                                "envelope, position) VALUES (?, ?, ?, ?, ?)",
                                {c.change_id, c.sequence, c.state, EnvelopeColumnText(c.envelope),
                                 pos[0].Int(0)}));
    if (!inserted) return AlreadyExistsError("governance change " + c.change_id + " exists");
    return Status();
  }

  Status UpdateChange(const ChangeRecord& c) override {
    GOV_RETURN_IF_ERROR(Writable("governance_changes"));
    GOV_ASSIGN_OR_RETURN(auto rows,
                         conn_.Query("UPDATE governance_changes SET state = ?, envelope = ? "
                                     "WHERE change_id = ? RETURNING 1",
                                     {c.state, EnvelopeColumnText(c.envelope), c.change_id}));
    if (rows.empty()) return NotFoundError("no governance change " + c.change_id);
    return Status();
  }

  StatusOr<std::vector<ChangeRecord>> ListChanges() override {
    if (changes_) return *changes_;
    GOV_ASSIGN_OR_RETURN(
        auto rows, conn_.Query("SELECT change_id, sequence, state, envelope FROM "
                               "governance_changes ORDER BY CASE WHEN state = 'applied' THEN 0 "
                               "ELSE 1 END, CASE WHEN state = 'applied' THEN sequence ELSE "
                               "position END"));
    std::vector<ChangeRecord> out;
    for (const auto& r : rows) {
      ChangeRecord c{r.Text(0), r.Int(1), r.Text(2), {}};
      GOV_ASSIGN_OR_RETURN(c.envelope, EnvelopeColumn(r.Text(3), "stored change " + c.change_id));
      out.push_back(std::move(c));
    }
    changes_ = out;
    return out;
  }

  Status PutPolicyBundle(std::string_view digest, std::string_view files) override {
    GOV_RETURN_IF_ERROR(Writable("policy_bundles"));
    return Insert("INSERT INTO policy_bundles (digest, files) VALUES (?, ?)",
                  {std::string(digest), std::string(files)})
        .status();
  }

  StatusOr<std::optional<std::string>> GetPolicyBundle(std::string_view digest) override {
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT files FROM policy_bundles WHERE digest = ?",
                                                {std::string(digest)}));
    if (rows.empty()) return std::optional<std::string>();
    return std::optional<std::string>(rows[0].Text(0));
  }

  StatusOr<std::vector<std::string>> ListPolicyBundles() override {
    GOV_ASSIGN_OR_RETURN(auto rows,
                         conn_.Query("SELECT digest FROM policy_bundles ORDER BY digest"));
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.Text(0));
    return out;
  }

  Status PutKey(const KeyRecord& k) override {
    GOV_RETURN_IF_ERROR(Writable("keys"));
    GOV_ASSIGN_OR_RETURN(
        bool inserted,
        Insert(std::string("INSERT INTO keys (") + kKeyColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               {k.keyid, k.identity, JoinRoles(k.roles), k.public_key_pem, k.enrolled_at,
                int64_t{k.revoked}, k.revoked_at, k.revocation_reason}));
    if (!inserted) return AlreadyExistsError("key " + k.keyid + " is already enrolled");
    return Status();
  }

  Status UpdateKey(const KeyRecord& k) override {
    GOV_RETURN_IF_ERROR(Writable("keys"));
    GOV_ASSIGN_OR_RETURN(
        auto rows,
        conn_.Query("UPDATE keys SET identity = ?, roles = ?, public_key_pem = ?, enrolled_at = ?, "
                    "revoked = ?, revoked_at = ?, revocation_reason = ? WHERE keyid = ? RETURNING 1",
                    {k.identity, JoinRoles(k.roles), k.public_key_pem, k.enrolled_at,
                     int64_t{k.revoked}, k.revoked_at, k.revocation_reason, k.keyid}));
    if (rows.empty()) return NotFoundError("no enrolled key " + k.keyid);
    return Status();
  }

  StatusOr<KeyRecord> GetKey(std::string_view keyid) override {
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query(std::string("SELECT ") + kKeyColumns +
                                                    " FROM keys WHERE keyid = ?",
                                                {std::string(keyid)}));
    if (rows.empty()) return NotFoundError("no enrolled key " + std::string(keyid));
    return KeyFromRow(rows[0]);
  }

  StatusOr<std::vector<KeyRecord>> ListKeys() override {
    if (keys_) return *keys_;
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query(std::string("SELECT ") + kKeyColumns +
                                                " FROM keys ORDER BY enrolled_at, keyid"));
    std::vector<KeyRecord> out;
    for (const auto& r : rows) {
      GOV_ASSIGN_OR_RETURN(KeyRecord k, KeyFromRow(r));
      out.push_back(std::move(k));
    }
    keys_ = out;
    return out;
  }

  Status PutTrainingOutput(const TrainingOutputRecord& t) override {
    GOV_RETURN_IF_ERROR(Writable("training_outputs"));
    return Insert("INSERT INTO training_outputs (digest, model_id, model_version, envelope) "
                  "VALUES (?, ?, ?, ?)",
                  {t.digest, t.model_id, t.model_version, EnvelopeColumnText(t.envelope)})
        .status();
  }

  StatusOr<TrainingOutputRecord> GetTrainingOutput(std::string_view digest) override {
    GOV_ASSIGN_OR_RETURN(
        auto rows, conn_.Query("SELECT digest, model_id, model_version, envelope FROM "
                               "training_outputs WHERE digest = ?",
                               {std::string(digest)}));
    if (rows.empty()) return NotFoundError("no training output " + std::string(digest));
    TrainingOutputRecord t;
    t.digest = rows[0].Text(0);
    t.model_id = rows[0].Text(1);
    t.model_version = rows[0].Text(2);
    GOV_ASSIGN_OR_RETURN(t.envelope,
                         EnvelopeColumn(rows[0].Text(3), "stored training output " + t.digest));
    return t;
  }

  Status PutApproval(const ApprovalRecord& a) override {
    GOV_RETURN_IF_ERROR(Writable("approvals"));
    GOV_ASSIGN_OR_RETURN(
        bool inserted,
        Insert("INSERT INTO approvals (approval_id, model_id, model_version, artifact_digest, "
               "payload_type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {a.approval_id, a.model_id, a.model_version, a.artifact_digest,
                a.envelope.payload_type, Base64Encode(a.envelope.payload), a.created_at}));
    if (!inserted) return AlreadyExistsError("approval " + a.approval_id + " already exists");
    for (const auto& sig : a.envelope.signatures) {
      GOV_RETURN_IF_ERROR(AddApprovalSignature(a.approval_id, sig));
    }
    return Status();
  }

  StatusOr<ApprovalRecord> GetApproval(std::string_view id) override {
    GOV_ASSIGN_OR_RETURN(auto list, Approvals("WHERE approval_id = ?", {std::string(id)}));
    if (list.empty()) return NotFoundError("no approval " + std::string(id));
    return std::move(list[0]);
  }

  StatusOr<std::vector<ApprovalRecord>> ListApprovals(
      std::optional<std::string_view> model_id) override {
    if (model_id) return Approvals("WHERE model_id = ?", {std::string(*model_id)});
    return Approvals("", {});
  }

  Status AddApprovalSignature(std::string_view id, const EnvelopeSignature& sig) override {
    GOV_RETURN_IF_ERROR(Writable("approval_signatures"));
    // Writers hold the store's write lock, so the count cannot change before
    // the insert and positions stay dense.
    GOV_ASSIGN_OR_RETURN(
        auto rows,
        conn_.Query("SELECT (SELECT COUNT(*) FROM approvals WHERE approval_id = ?), "
                    "(SELECT COUNT(*) FROM approval_signatures WHERE approval_id = ?)",
                    {std::string(id), std::string(id)}));
    if (rows.empty() || rows[0].Int(0) == 0) return NotFoundError("no approval " + std::string(id));
    GOV_ASSIGN_OR_RETURN(
        bool inserted,
        Insert("INSERT INTO approval_signatures (approval_id, keyid, sig, position) "
               "VALUES (?, ?, ?, ?)",
               {std::string(id), sig.keyid, Base64Encode(sig.sig), rows[0].Int(1)}));
    if (!inserted) {
      return AlreadyExistsError("approval " + std::string(id) + " is already signed by key " +
                                sig.keyid);
    }
    return Status();
  }

  Status PutRevocation(const Revocation& v) override {
    GOV_RETURN_IF_ERROR(Writable("revocations"));
    GOV_ASSIGN_OR_RETURN(bool inserted,
                         Insert("INSERT INTO revocations (kind, target, reason, revoked_by, "
                                "revoked_at, artifact_digests, envelope) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                {KindName(v.kind), v.target, v.reason, v.revoked_by,
                                 v.revoked_at, nlohmann::json(v.artifact_digests).dump(),
                                 EnvelopeColumnText(v.envelope)}));
    if (!inserted) {
      return AlreadyExistsError(KindName(v.kind) + " " + v.target + " is already revoked");
    }
    return Status();
  }

  StatusOr<std::optional<Revocation>> FindRevocation(Revocation::Kind kind,
                                                     std::string_view target) override {
    GOV_ASSIGN_OR_RETURN(auto list, Revocations("WHERE kind = ? AND target = ?",
                                                {KindName(kind), std::string(target)}));
    if (list.empty()) return std::optional<Revocation>();
    return std::optional<Revocation>(std::move(list[0]));
  }

  StatusOr<std::vector<Revocation>> ListRevocations() override {
    if (!revocations_) {
      GOV_ASSIGN_OR_RETURN(auto all, Revocations("", {}));
      revocations_ = std::move(all);
    }
    return *revocations_;
  }

  StatusOr<int64_t> AddDeployment(const Deployment& d) override {
    GOV_RETURN_IF_ERROR(Writable("deployments"));
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT COALESCE(MAX(id), 0) FROM deployments"));
    int64_t id = rows[0].Int(0) + 1;
    GOV_ASSIGN_OR_RETURN(
        bool inserted,
        Insert(std::string("INSERT INTO deployments (") + kDeploymentColumns +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {id, d.environment, d.model_id, d.model_version, d.approval_id,
                d.artifact_digest, d.deployed_by, d.deployed_at, d.kind,
                EnvelopeColumnText(d.envelope)}));
    // Unreachable while writers hold the write lock; retrying is the safe answer.
    if (!inserted) return AbortedError("concurrent deployment took id " + std::to_string(id));
    return id;
  }

  StatusOr<std::vector<Deployment>> DeploymentHistory(std::string_view model_id,
                                                      std::string_view env) override {
    return Deployments(
        "WHERE model_id = ? AND environment = ? ORDER BY id DESC",
        {std::string(model_id), std::string(env)});
  }

  StatusOr<std::vector<Deployment>> CurrentDeployments() override {
    if (!current_) {
      GOV_ASSIGN_OR_RETURN(
          auto current,
          Deployments("WHERE id IN (SELECT MAX(id) FROM deployments GROUP BY model_id, "
                      "environment) ORDER BY model_id, environment",
                      {}));
      current_ = std::move(current);
    }
    return *current_;
  }

  StatusOr<std::optional<std::string>> GetSetting(std::string_view name) override {
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT value FROM settings WHERE name = ?",
                                                {std::string(name)}));
    if (rows.empty()) return std::optional<std::string>();
    return std::optional<std::string>(rows[0].Text(0));
  }

  Status PutSetting(std::string_view name, std::string_view value) override {
    GOV_RETURN_IF_ERROR(Writable("settings"));
    return conn_
        .Query("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE "
               "SET value = excluded.value",
               {std::string(name), std::string(value)})
        .status();
  }

  StatusOr<std::vector<std::pair<std::string, std::string>>> ListSettings() override {
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT name, value FROM settings ORDER BY name"));
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : rows) out.emplace_back(r.Text(0), r.Text(1));
    return out;
  }

  StatusOr<LedgerEntry> AppendLedger(const LedgerEvent& event) override {
    GOV_RETURN_IF_ERROR(Writable("ledger"));
    GOV_ASSIGN_OR_RETURN(std::optional<LedgerEntry> last, LastLedgerEntry());
    int64_t now = options_.clock ? options_.clock() : NowSeconds();
    LedgerEntry e = SealLedgerEntry(event, last ? &*last : nullptr, now, *options_.ledger_key);
    GOV_ASSIGN_OR_RETURN(
        bool inserted,
        Insert(std::string("INSERT INTO ledger (") + kLedgerColumns +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {e.sequence, e.timestamp, e.type, e.actor, e.subject, e.details, e.prev_hash,
                e.hash, e.signer_keyid, Base64Encode(e.signature)}));
    if (!inserted) {
      // Unreachable while writers hold the write lock: another process
      // appended this sequence first, so retry on the new head.
      return AbortedError("concurrent ledger append at sequence " + std::to_string(e.sequence));
    }
    GOV_RETURN_IF_ERROR(ExtendLedgerFrontier(*this, e));
    return e;
  }

  StatusOr<std::vector<LedgerEntry>> ReadLedger(int64_t from, int64_t limit) override {
    int64_t to = limit > INT64_MAX - from ? INT64_MAX : from + limit;
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query(std::string("SELECT ") + kLedgerColumns +
                                                    " FROM ledger WHERE sequence >= ? AND "
                                                    "sequence < ? ORDER BY sequence",
                                                {from, to}));
    std::vector<LedgerEntry> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
      GOV_ASSIGN_OR_RETURN(LedgerEntry e, LedgerFromRow(r));
      out.push_back(std::move(e));
    }
    return out;
  }

  StatusOr<int64_t> LedgerSize() override {
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT COUNT(*) FROM ledger"));
    return rows[0].Int(0);
  }

  StatusOr<std::optional<LedgerEntry>> LastLedgerEntry() override {
    GOV_ASSIGN_OR_RETURN(auto rows,
                         conn_.Query(std::string("SELECT ") + kLedgerColumns +
                                     " FROM ledger ORDER BY sequence DESC LIMIT 1"));
    if (rows.empty()) return std::optional<LedgerEntry>();
    GOV_ASSIGN_OR_RETURN(LedgerEntry e, LedgerFromRow(rows[0]));
    return std::optional<LedgerEntry>(std::move(e));
  }

  StatusOr<std::optional<Envelope>> GetSnapshot() override {
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT id, envelope FROM snapshots"));
    if (rows.empty()) return std::optional<Envelope>();
    // Seal replaces row 1; any other row was written outside mgov.
    if (rows.size() > 1 || rows[0].Int(0) != 1) {
      return DataLossError(
          "table snapshots holds a row other than the one mgov keeps (id 1): written outside mgov");
    }
    GOV_ASSIGN_OR_RETURN(Envelope env, EnvelopeColumn(rows[0].Text(1), "stored snapshot"));
    return std::optional<Envelope>(std::move(env));
  }

  StatusOr<std::vector<int64_t>> SchemaVersions() override {
    GOV_ASSIGN_OR_RETURN(auto rows,
                         conn_.Query("SELECT version FROM schema_version ORDER BY version"));
    std::vector<int64_t> out;
    for (const auto& r : rows) out.push_back(r.Int(0));
    return out;
  }

  StatusOr<StoreState> CurrentState() override {
    if (!state_) {
      GOV_ASSIGN_OR_RETURN(StoreState s, ComputeStoreState(*this, last_state_ ? &*last_state_ : nullptr,
                                                           &dirty_));
      state_ = std::move(s);
      last_state_ = state_;
      dirty_.clear();
    }
    return *state_;
  }

  StatusOr<std::map<std::string, int64_t>> CountRows() override {
    std::string sql = "SELECT ";
    const auto& tables = StoreTables();
    for (size_t i = 0; i < tables.size(); ++i) {
      sql += (i ? ", " : "") + std::string("(SELECT COUNT(*) FROM ") + tables[i] + ")";
    }
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query(sql));
    std::map<std::string, int64_t> out;
    for (size_t i = 0; i < tables.size(); ++i) out[tables[i]] = rows[0].Int(i);
    return out;
  }

 private:
  // Every write goes through here: the first one checks that the store is
  // still what its last snapshot signed.
  Status Writable(std::string_view table) {
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
    dirty_.insert(std::string(table));
    if (table == "roots") roots_.reset();
    if (table == "governance_changes") changes_.reset();
    if (table == "keys") keys_.reset();
    if (table == "revocations") revocations_.reset();
    if (table == "deployments") current_.reset();
    return Status();
  }

  // Runs an INSERT, skipping it on a key conflict: false when skipped. A
  // conflict must not raise an error, because on PostgreSQL an error ends the
  // transaction, and callers may go on after AlreadyExists.
  StatusOr<bool> Insert(const std::string& insert, const std::vector<SqlValue>& params) {
    GOV_ASSIGN_OR_RETURN(auto rows,
                         conn_.Query(insert + " ON CONFLICT DO NOTHING RETURNING 1", params));
    return !rows.empty();
  }

  StatusOr<std::vector<ApprovalRecord>> Approvals(const std::string& where,
                                                  const std::vector<SqlValue>& params) {
    GOV_ASSIGN_OR_RETURN(
        auto rows, conn_.Query("SELECT approval_id, model_id, model_version, artifact_digest, "
                               "payload_type, payload, created_at FROM approvals " +
                                   where + " ORDER BY created_at, approval_id",
                               params));
    std::vector<ApprovalRecord> out;
    for (const auto& r : rows) {
      ApprovalRecord a;
      a.approval_id = r.Text(0);
      a.model_id = r.Text(1);
      a.model_version = r.Text(2);
      a.artifact_digest = r.Text(3);
      a.envelope.payload_type = r.Text(4);
      auto payload = Base64Decode(r.Text(5));
      if (!payload.ok()) return DataLossError("stored approval " + a.approval_id + " is corrupt");
      a.envelope.payload = std::move(*payload);
      a.created_at = r.Int(6);
      GOV_ASSIGN_OR_RETURN(auto sigs, conn_.Query("SELECT keyid, sig FROM approval_signatures "
                                                  "WHERE approval_id = ? ORDER BY position, keyid",
                                                  {a.approval_id}));
      for (const auto& s : sigs) {
        auto raw = Base64Decode(s.Text(1));
        a.envelope.signatures.push_back({s.Text(0), raw.ok() ? *raw : std::string()});
      }
      out.push_back(std::move(a));
    }
    return out;
  }

  StatusOr<std::vector<Revocation>> Revocations(const std::string& where,
                                                const std::vector<SqlValue>& params) {
    GOV_ASSIGN_OR_RETURN(auto rows,
                         conn_.Query("SELECT kind, target, reason, revoked_by, revoked_at, "
                                     "artifact_digests, envelope FROM revocations " +
                                         where + " ORDER BY revoked_at, kind, target",
                                     params));
    std::vector<Revocation> out;
    for (const auto& r : rows) {
      Revocation v;
      v.kind = r.Text(0) == "model" ? Revocation::Kind::kModel : Revocation::Kind::kApproval;
      v.target = r.Text(1);
      v.reason = r.Text(2);
      v.revoked_by = r.Text(3);
      v.revoked_at = r.Int(4);
      const nlohmann::json artifacts = ParseJson(r.Text(5), "revocation").value_or(nullptr);
      if (!artifacts.is_array()) {
        return DataLossError("stored revocation of " + v.target + " has corrupt artifact digests");
      }
      for (const auto& a : artifacts) {
        if (!a.is_string()) return DataLossError("stored revocation of " + v.target + " is corrupt");
        v.artifact_digests.push_back(a.get<std::string>());
      }
      GOV_ASSIGN_OR_RETURN(v.envelope, EnvelopeColumn(r.Text(6), "stored revocation of " + v.target));
      out.push_back(std::move(v));
    }
    return out;
  }

  StatusOr<std::vector<Deployment>> Deployments(const std::string& where,
                                                const std::vector<SqlValue>& params) {
    GOV_ASSIGN_OR_RETURN(auto rows, conn_.Query(std::string("SELECT ") + kDeploymentColumns +
                                                    " FROM deployments " + where,
                                                params));
    std::vector<Deployment> out;
    for (const auto& r : rows) {
      GOV_ASSIGN_OR_RETURN(Deployment d, DeploymentFromRow(r));
      out.push_back(std::move(d));
    }
    return out;
  }

  SqlConnection& conn_;
  const StoreOptions& options_;
  const bool read_only_;
  bool checked_ = false;
  bool wrote_ = false;
  // What this transaction read, until it writes that table: the governance
  // check and the snapshot both read the small tables, and parsing their
  // envelopes is most of a gate's cost.
  std::optional<StoreState> state_;
  std::optional<StoreState> last_state_;  // and the tables written since
  std::set<std::string> dirty_;
  std::optional<std::vector<RootRecord>> roots_;
  std::optional<std::vector<ChangeRecord>> changes_;
  std::optional<std::vector<KeyRecord>> keys_;
  std::optional<std::vector<Revocation>> revocations_;
  std::optional<std::vector<Deployment>> current_;
};

bool Retryable(const Status& s) {
  return s.code() == StatusCode::kAborted || s.code() == StatusCode::kUnavailable;
}

// The stored schema version, 0 when there is no schema. REQUIRES: inside a
// transaction on `conn`.
StatusOr<int> StoredVersion(SqlConnection& conn) {
  GOV_ASSIGN_OR_RETURN(bool exists, conn.HasTable("schema_version"));
  if (!exists) return 0;
  GOV_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT MAX(version) FROM schema_version"));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

}  // namespace

SqlStore::SqlStore(std::string url, Connector connect, StoreOptions options,
                   std::unique_ptr<SqlConnection> conn)
    : url_(std::move(url)),
      connect_(std::move(connect)),
      options_(std::move(options)),
      conn_(std::move(conn)) {}

StatusOr<std::unique_ptr<SqlStore>> SqlStore::Open(std::string url, Connector connect,
                                                   StoreOptions options) {
  GOV_ASSIGN_OR_RETURN(auto conn, connect());
  return std::unique_ptr<SqlStore>(
      new SqlStore(std::move(url), std::move(connect), std::move(options), std::move(conn)));
}

StatusOr<int> SqlStore::SchemaVersion() {
  int version = 0;
  GOV_RETURN_IF_ERROR(RunOnConnection(/*read_only=*/true, /*require_schema=*/false,
                                      [&](SqlConnection& conn) -> Status {
                                        GOV_ASSIGN_OR_RETURN(version, StoredVersion(conn));
                                        return Status();
                                      }));
  return version;
}

Status SqlStore::Migrate() { return MigrateTo(CurrentSchemaVersion()); }

Status SqlStore::MigrateTo(int target) {
  const int current = CurrentSchemaVersion();
  if (target < 1 || target > current) {
    return InvalidArgumentError("no schema version " + std::to_string(target) + " (this mgov has 1 to " +
                                std::to_string(current) + ")");
  }
  // Begin(false) takes the write lock, so of two processes migrating at once
  // the second waits, then finds the work done.
  return RunOnConnection(/*read_only=*/false, /*require_schema=*/false,
                             [&](SqlConnection& conn) -> Status {
    GOV_ASSIGN_OR_RETURN(int version, StoredVersion(conn));
    if (version > current) {
      return FailedPreconditionError(url_ + " has schema version " + std::to_string(version) +
                                     ", newer than this mgov understands (" +
                                     std::to_string(current) + ")");
    }
    for (const Migration& m : SchemaMigrations()) {
      if (m.version <= version || m.version > target) continue;
      for (const char* sql : m.statements) {
        Status applied = conn.Query(sql).status();
        if (!applied.ok()) {
          if (Retryable(applied)) return applied;
          return applied.WithContext("migrating " + url_ + " to schema version " +
                                     std::to_string(m.version) + " (" + m.summary + ")");
        }
      }
      GOV_RETURN_IF_ERROR(conn.Query("INSERT INTO schema_version (version) VALUES (?)",
                                     {int64_t{m.version}})
                              .status());
    }
    schema_checked_ = false;  // re-checked on next use, under mu_ like here
    return Status();
  });
}

Status SqlStore::RequireSchema(SqlConnection& conn) {
  if (schema_checked_) return Status();
  GOV_ASSIGN_OR_RETURN(int version, StoredVersion(conn));
  if (version == 0) {
    return FailedPreconditionError(url_ + " has no governance schema; run `mgov init` first");
  }
  if (version != CurrentSchemaVersion()) {
    return FailedPreconditionError(url_ + " has schema version " + std::to_string(version) +
                                   "; this mgov needs " + std::to_string(CurrentSchemaVersion()) +
                                   " (run `mgov init` to migrate)");
  }
  schema_checked_ = true;
  return Status();
}

Status SqlStore::RunOnConnection(bool read_only, bool require_schema,
                                 const std::function<Status(SqlConnection&)>& body) {
  std::lock_guard<std::mutex> lock(mu_);
  Status last;
  for (int attempt = 0; attempt <= options_.max_retries; ++attempt) {
    if (attempt > 0) {
      // Back off a little more each time, so that contending writers spread
      // out and a restarting server has time to come back (about 7 s in all
      // with the default 20 retries).
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5 * attempt * attempt, 500)));
    }
    if (conn_) {
      Status healthy = conn_->Reconnect();
      if (!healthy.ok()) conn_.reset();
    }
    if (!conn_) {
      auto fresh = connect_();
      if (!fresh.ok()) {
        last = fresh.status();
        if (!Retryable(last)) return last;
        continue;
      }
      conn_ = std::move(*fresh);
    }
    Status s = conn_->Begin(read_only);
    if (s.ok() && require_schema) s = RequireSchema(*conn_);
    if (s.ok()) s = body(*conn_);
    if (s.ok()) {
      s = conn_->Commit();
      if (s.ok() || !Retryable(s)) return s;
    }
    conn_->Rollback();
    if (!Retryable(s)) return s;
    last = s;
  }
  return UnavailableError("gave up after " + std::to_string(options_.max_retries + 1) +
                          " attempts: " + last.message());
}

Status SqlStore::Run(bool read_only, const std::function<Status(StoreTransaction&)>& fn) {
  return RunOnConnection(read_only, /*require_schema=*/true, [&](SqlConnection& conn) -> Status {
    SqlTransaction txn(conn, options_, read_only);
    GOV_RETURN_IF_ERROR(fn(txn));
    if (!txn.wrote()) return Status();
    return txn.Seal(options_.clock ? options_.clock() : NowSeconds());
  });
}

Status SqlStore::Transact(const std::function<Status(StoreTransaction&)>& fn) {
  return Run(false, fn);
}

Status SqlStore::Read(const std::function<Status(StoreTransaction&)>& fn) { return Run(true, fn); }

}  // namespace governance
