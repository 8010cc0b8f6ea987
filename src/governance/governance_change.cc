// The payload of a governance change (administration.h).
#include "core/digest.h"
#include "core/document.h"
#include "core/json_reader.h"
#include "core/time.h"
#include "governance/administration.h"

namespace governance {
namespace {

constexpr std::pair<ChangeKind, std::string_view> kKinds[] = {
    {ChangeKind::kEnrollKey, "key.enroll"},
    {ChangeKind::kSetRoles, "key.roles"},
    {ChangeKind::kRevokeKey, "key.revoke"},
    {ChangeKind::kSetConfig, "config.set"},
    {ChangeKind::kUpgradeStore, "store.upgrade"},
};

nlohmann::json RoleNames(const std::vector<Role>& roles) {
  nlohmann::json out = nlohmann::json::array();
  for (Role r : roles) out.push_back(RoleName(r));
  return out;
}

std::string RoleList(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ",") + std::string(RoleName(r));
  return out;
}

StatusOr<std::vector<Role>> ReadRoles(const JsonReader& r, const char* name) {
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> names, r.StringList(name, false));
  std::vector<Role> roles;
  for (const auto& n : names) {
    auto role = ParseRole(n);
    if (!role.ok()) return r.Error(name, role.status().message());
    for (Role existing : roles) {
      if (existing == *role) return r.Error(name, "repeats role " + n);
    }
    roles.push_back(*role);
  }
  return roles;
}

StatusOr<std::string> ReadIdentity(const JsonReader& r, const char* name) {
  GOV_ASSIGN_OR_RETURN(std::string identity, r.String(name));
  auto canonical = CanonicalIdentity(identity);
  if (!canonical.ok()) return r.Error(name, canonical.status().message());
  if (*canonical != identity) return r.Error(name, "is not canonical (\"" + *canonical + "\")");
  return identity;
}

StatusOr<PublicKey> ReadPublicKey(const JsonReader& r) {
  GOV_ASSIGN_OR_RETURN(std::string pem, r.String("public_key"));
  auto key = PublicKey::FromEnrolledPem(pem, "public_key");
  if (!key.ok()) return r.Error("public_key", key.status().message());
  GOV_ASSIGN_OR_RETURN(std::string keyid, r.String("keyid"));
  if (keyid != key->keyid()) return r.Error("keyid", "is not the key id of public_key");
  return *key;
}

Status RequireKeyId(const JsonReader& r, const std::string& keyid) {
  if (keyid.size() != 64 || keyid.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return r.Error("keyid", "must be 64 lowercase hex digits");
  }
  return Status();
}

nlohmann::json LegacyKeyJson(const KeyRecord& k) {
  return {{"keyid", k.keyid},
          {"public_key", k.public_key_pem},
          {"identity", k.identity},
          {"roles", RoleNames(k.roles)},
          {"enrolled_at", FormatRfc3339(k.enrolled_at)},
          {"revoked", k.revoked},
          {"revoked_at", FormatRfc3339(k.revoked_at)},
          {"revocation_reason", k.revocation_reason}};
}

// The artifacts a revocation blocks are written only when it has some:
// revocations made before roots had none, and their changes stay as signed.
nlohmann::json LegacyRevocationJson(const Revocation& v) {
  nlohmann::json j = {{"kind", v.kind == Revocation::Kind::kApproval ? "approval" : "model"},
                      {"target", v.target},
                      {"reason", v.reason},
                      {"revoked_by", v.revoked_by},
                      {"revoked_at", FormatRfc3339(v.revoked_at)}};
  if (!v.artifact_digests.empty()) j["artifact_digests"] = v.artifact_digests;
  return j;
}

}  // namespace

std::string_view ChangeKindName(ChangeKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::string GovernanceChange::Summary() const {
  switch (kind) {
    case ChangeKind::kEnrollKey:
      return "enrol key " + (key ? key->keyid().substr(0, 16) : std::string("?")) + " for " +
             identity + " (" + RoleList(roles) + ")";
    case ChangeKind::kSetRoles:
      return "set the roles of key " + keyid.substr(0, 16) + " to " + RoleList(roles);
    case ChangeKind::kRevokeKey:
      return "revoke key " + keyid.substr(0, 16) + ": " + reason;
    case ChangeKind::kSetConfig: {
      std::string envs;
      if (config) {
        for (const auto& e : config->environments) {
          envs += (envs.empty() ? "" : ", ") + e.name + " (" + std::to_string(e.min_approvers) +
                  " approver" + (e.min_approvers == 1 ? "" : "s") +
                  (e.policy_bundle.empty() ? "" : ", policy " + e.policy_bundle.substr(7, 12)) +
                  ")";
        }
      }
      return "set the configuration: " + envs;
    }
    case ChangeKind::kUpgradeStore:
      return "carry over " + std::to_string(legacy_keys.size()) + " key(s) and " +
             std::to_string(legacy_revocations.size()) +
             " revocation(s) from before the governance root";
  }
  return "unknown change";
}

std::string ChangePayload(const GovernanceChange& c) {
  nlohmann::json j = {{"_type", kChangeType},
                      {"change_id", c.change_id},
                      {"domain", c.domain},
                      {"root_version", c.root_version},
                      {"sequence", c.sequence},
                      {"previous", c.previous},
                      {"proposed_at", FormatRfc3339(c.proposed_at)},
                      {"proposed_by", c.proposed_by},
                      {"reason", c.reason},
                      {"action", ChangeKindName(c.kind)}};
  switch (c.kind) {
    case ChangeKind::kEnrollKey:
      j["key"] = {{"keyid", c.key ? c.key->keyid() : ""},
                  {"public_key", c.key ? c.key->ToPem() : ""},
                  {"identity", c.identity},
                  {"roles", RoleNames(c.roles)}};
      break;
    case ChangeKind::kSetRoles:
      j["keyid"] = c.keyid;
      j["roles"] = RoleNames(c.roles);
      break;
    case ChangeKind::kRevokeKey:
      j["keyid"] = c.keyid;
      break;
    case ChangeKind::kSetConfig:
      j["config"] = c.config ? ToJson(*c.config) : nlohmann::json(nullptr);
      break;
    case ChangeKind::kUpgradeStore: {
      nlohmann::json keys = nlohmann::json::array(), revocations = nlohmann::json::array();
      for (const auto& k : c.legacy_keys) keys.push_back(LegacyKeyJson(k));
      for (const auto& v : c.legacy_revocations) revocations.push_back(LegacyRevocationJson(v));
      j["legacy"] = {{"keys", keys}, {"revocations", revocations}};
      break;
    }
  }
  return CanonicalJson(j);
}

StatusOr<GovernanceChange> ParseChangePayload(std::string_view payload, std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(payload, origin));
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireKnown({"_type", "change_id", "domain", "root_version", "sequence",
                                      "previous", "proposed_at", "proposed_by", "reason",
                                      "action", "key", "keyid", "roles", "config", "legacy"}));
  GOV_ASSIGN_OR_RETURN(std::string type, r.String("_type"));
  if (type != kChangeType) return r.Error("_type", "must be \"" + std::string(kChangeType) + "\"");
  GovernanceChange c;
  GOV_ASSIGN_OR_RETURN(c.change_id, r.String("change_id"));
  GOV_ASSIGN_OR_RETURN(c.domain, r.String("domain"));
  if (!IsSha256Digest(c.domain)) return r.Error("domain", "must be a sha256 digest");
  GOV_ASSIGN_OR_RETURN(c.root_version, r.Int("root_version"));
  GOV_ASSIGN_OR_RETURN(c.sequence, r.Int("sequence"));
  if (c.root_version < 1) return r.Error("root_version", "must be 1 or more");
  if (c.sequence < 1) return r.Error("sequence", "must be 1 or more");
  GOV_ASSIGN_OR_RETURN(c.previous, r.OptionalString("previous"));
  if ((c.sequence == 1) != c.previous.empty() ||
      (!c.previous.empty() && !IsSha256Digest(c.previous))) {
    return r.Error("previous", "must be empty for the first change and a sha256 digest after it");
  }
  GOV_ASSIGN_OR_RETURN(c.proposed_at, r.Timestamp("proposed_at"));
  GOV_ASSIGN_OR_RETURN(c.proposed_by, ReadIdentity(r, "proposed_by"));
  GOV_ASSIGN_OR_RETURN(c.reason, r.OptionalString("reason"));
  GOV_ASSIGN_OR_RETURN(std::string action, r.String("action"));
  bool known = false;
  for (const auto& [k, name] : kKinds) {
    if (name == action) {
      c.kind = k;
      known = true;
    }
  }
  if (!known) return r.Error("action", "is not a known change: \"" + action + "\"");
  switch (c.kind) {
    case ChangeKind::kEnrollKey: {
      GOV_ASSIGN_OR_RETURN(JsonReader key, r.Object("key"));
      GOV_RETURN_IF_ERROR(key.RequireKnown({"keyid", "public_key", "identity", "roles"}));
      GOV_ASSIGN_OR_RETURN(PublicKey pub, ReadPublicKey(key));
      c.key = pub;
      GOV_ASSIGN_OR_RETURN(c.identity, ReadIdentity(key, "identity"));
      GOV_ASSIGN_OR_RETURN(c.roles, ReadRoles(key, "roles"));
      break;
    }
    case ChangeKind::kSetRoles: {
      GOV_ASSIGN_OR_RETURN(c.keyid, r.String("keyid"));
      GOV_RETURN_IF_ERROR(RequireKeyId(r, c.keyid));
      GOV_ASSIGN_OR_RETURN(c.roles, ReadRoles(r, "roles"));
      break;
    }
    case ChangeKind::kRevokeKey: {
      GOV_ASSIGN_OR_RETURN(c.keyid, r.String("keyid"));
      GOV_RETURN_IF_ERROR(RequireKeyId(r, c.keyid));
      if (c.reason.empty()) return r.Error("reason", "is required to revoke a key");
      break;
    }
    case ChangeKind::kSetConfig: {
      GOV_ASSIGN_OR_RETURN(const nlohmann::json* config, r.Member("config", true));
      GOV_ASSIGN_OR_RETURN(GovernanceConfig parsed,
                           GovernanceConfigFromJson(*config, std::string(origin) + " /config"));
      c.config = std::move(parsed);
      break;
    }
    case ChangeKind::kUpgradeStore: {
      GOV_ASSIGN_OR_RETURN(JsonReader legacy, r.Object("legacy"));
      GOV_RETURN_IF_ERROR(legacy.RequireKnown({"keys", "revocations"}));
      GOV_ASSIGN_OR_RETURN(const nlohmann::json* keys, legacy.Member("keys", true));
      GOV_ASSIGN_OR_RETURN(const nlohmann::json* revocations, legacy.Member("revocations", true));
      if (!keys->is_array() || !revocations->is_array()) {
        return legacy.Error("keys", "and revocations must be arrays");
      }
      for (size_t i = 0; i < keys->size(); ++i) {
        JsonReader k((*keys)[i], std::string(origin), "/legacy/keys/" + std::to_string(i));
        GOV_RETURN_IF_ERROR(k.RequireKnown({"keyid", "public_key", "identity", "roles",
                                            "enrolled_at", "revoked", "revoked_at",
                                            "revocation_reason"}));
        KeyRecord rec;
        GOV_ASSIGN_OR_RETURN(PublicKey pub, ReadPublicKey(k));
        rec.keyid = pub.keyid();
        rec.public_key_pem = pub.ToPem();
        GOV_ASSIGN_OR_RETURN(rec.identity, ReadIdentity(k, "identity"));
        GOV_ASSIGN_OR_RETURN(rec.roles, ReadRoles(k, "roles"));
        GOV_ASSIGN_OR_RETURN(rec.enrolled_at, k.Timestamp("enrolled_at"));
        GOV_ASSIGN_OR_RETURN(rec.revoked, k.Bool("revoked", false));
        GOV_ASSIGN_OR_RETURN(rec.revoked_at, k.Timestamp("revoked_at"));
        GOV_ASSIGN_OR_RETURN(rec.revocation_reason, k.OptionalString("revocation_reason"));
        c.legacy_keys.push_back(std::move(rec));
      }
      for (size_t i = 0; i < revocations->size(); ++i) {
        JsonReader v((*revocations)[i], std::string(origin),
                     "/legacy/revocations/" + std::to_string(i));
        GOV_RETURN_IF_ERROR(v.RequireKnown({"kind", "target", "reason", "revoked_by",
                                            "revoked_at", "artifact_digests"}));
        Revocation rev;
        GOV_ASSIGN_OR_RETURN(std::string kind, v.String("kind"));
        if (kind != "approval" && kind != "model") {
          return v.Error("kind", "must be \"approval\" or \"model\"");
        }
        rev.kind = kind == "approval" ? Revocation::Kind::kApproval : Revocation::Kind::kModel;
        GOV_ASSIGN_OR_RETURN(rev.target, v.String("target"));
        GOV_ASSIGN_OR_RETURN(rev.reason, v.OptionalString("reason"));
        GOV_ASSIGN_OR_RETURN(rev.revoked_by, v.OptionalString("revoked_by"));
        GOV_ASSIGN_OR_RETURN(rev.revoked_at, v.Timestamp("revoked_at"));
        GOV_ASSIGN_OR_RETURN(const nlohmann::json* digests, v.Member("artifact_digests", false));
        if (digests) {
          GOV_ASSIGN_OR_RETURN(rev.artifact_digests, v.StringList("artifact_digests", false));
          for (const auto& d : rev.artifact_digests) {
            if (!IsArtifactDigest(d)) return v.Error("artifact_digests", "must hold artifact digests");
          }
        }
        c.legacy_revocations.push_back(std::move(rev));
      }
      break;
    }
  }
  return c;
}

}  // namespace governance
