// The governance root and its chain of versions (trust.h).
#include "governance/trust.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/digest.h"
#include "core/document.h"
#include "core/json_reader.h"
#include "core/parse_cache.h"
#include "core/time.h"

namespace governance {
namespace {

nlohmann::json KeyJson(const PublicKey& key) {
  return {{"keyid", key.keyid()}, {"public_key", key.ToPem()}};
}

StatusOr<PublicKey> ReadKey(const JsonReader& r) {
  GOV_RETURN_IF_ERROR(r.RequireKnown({"identity", "keyid", "public_key"}));
  GOV_ASSIGN_OR_RETURN(std::string pem, r.String("public_key"));
  auto key = PublicKey::FromEnrolledPem(pem, "public_key");
  if (!key.ok()) return r.Error("public_key", key.status().message());
  GOV_ASSIGN_OR_RETURN(std::string keyid, r.String("keyid"));
  if (keyid != key->keyid()) return r.Error("keyid", "is not the key id of public_key");
  return *key;
}

Status ValidateRoot(const GovernanceRoot& root, std::string_view origin) {
  const std::string o(origin);
  if (root.version < 1) return InvalidArgumentError(o + ": version must be 1 or more");
  if (root.version == 1 && (!root.domain.empty() || !root.previous.empty())) {
    return InvalidArgumentError(o + ": version 1 has no domain or previous digest");
  }
  if (root.version > 1 && (!IsSha256Digest(root.domain) || !IsSha256Digest(root.previous))) {
    return InvalidArgumentError(o + ": version " + std::to_string(root.version) +
                                " needs the domain and previous digests");
  }
  if (root.version == 1 && root.changes_before != 0) {
    return InvalidArgumentError(o + ": version 1 follows no changes");
  }
  if (root.changes_before < 0) return InvalidArgumentError(o + ": changes_before is negative");
  if (root.expires_at <= root.issued_at) {
    return InvalidArgumentError(o + ": expires_at must be after issued_at");
  }
  if (root.expires_at - root.issued_at > kMaxRootTtlSeconds) {
    return InvalidArgumentError(o + ": a root may be valid for at most " +
                                FormatDuration(kMaxRootTtlSeconds));
  }
  if (root.admins.empty()) return InvalidArgumentError(o + ": a root needs at least one admin");
  if (root.admins.size() > 100) return InvalidArgumentError(o + ": at most 100 admins");
  std::set<std::string> identities, keyids;
  for (const auto& a : root.admins) {
    auto canonical = CanonicalIdentity(a.identity);
    if (!canonical.ok()) return canonical.status().WithContext(o + ": admin");
    if (*canonical != a.identity) {
      return InvalidArgumentError(o + ": admin identity \"" + a.identity + "\" is not canonical");
    }
    if (!identities.insert(a.identity).second) {
      return InvalidArgumentError(o + ": admin " + a.identity + " is listed twice");
    }
    if (!keyids.insert(a.key.keyid()).second) {
      return InvalidArgumentError(o + ": admin key " + a.key.keyid().substr(0, 16) +
                                  " is listed twice");
    }
  }
  if (root.admin_threshold < 1 || root.admin_threshold > static_cast<int>(root.admins.size())) {
    return InvalidArgumentError(o + ": the admin threshold must be 1 to " +
                                std::to_string(root.admins.size()) + " (the number of admins)");
  }
  if (root.online_keys.empty()) return InvalidArgumentError(o + ": a root needs an online key");
  for (const auto& k : root.online_keys) {
    if (keyids.count(k.keyid())) {
      return InvalidArgumentError(o + ": key " + k.keyid().substr(0, 16) +
                                  " cannot be both an admin key and an online key");
    }
    keyids.insert(k.keyid());
  }
  return Status();
}

std::string ShortDigest(const std::string& digest) { return digest.substr(0, 19) + "…"; }

}  // namespace

const AdminKey* GovernanceRoot::FindAdmin(std::string_view keyid) const {
  for (const auto& a : admins) {
    if (a.key.keyid() == keyid) return &a;
  }
  return nullptr;
}

bool GovernanceRoot::IsOnlineKey(std::string_view keyid) const {
  for (const auto& k : online_keys) {
    if (k.keyid() == keyid) return true;
  }
  return false;
}

StatusOr<GovernanceRoot> NewRoot(const std::vector<AdminKey>& admins, int threshold,
                                 const std::vector<PublicKey>& online_keys, int64_t now,
                                 int64_t ttl_seconds) {
  GovernanceRoot root;
  for (const auto& a : admins) {
    GOV_ASSIGN_OR_RETURN(std::string identity, CanonicalIdentity(a.identity));
    root.admins.push_back({identity, a.key});
  }
  root.admin_threshold = threshold;
  root.online_keys = online_keys;
  root.issued_at = now;
  if (ttl_seconds <= 0 || ttl_seconds > kMaxRootTtlSeconds) {
    return InvalidArgumentError("a root's validity must be positive and at most " +
                                FormatDuration(kMaxRootTtlSeconds));
  }
  root.expires_at = now + ttl_seconds;
  GOV_RETURN_IF_ERROR(ValidateRoot(root, "governance root"));
  return root;
}

std::string RootPayload(const GovernanceRoot& root) {
  nlohmann::json admins = nlohmann::json::array();
  for (const auto& a : root.admins) {
    nlohmann::json k = KeyJson(a.key);
    k["identity"] = a.identity;
    admins.push_back(std::move(k));
  }
  nlohmann::json online = nlohmann::json::array();
  for (const auto& k : root.online_keys) online.push_back(KeyJson(k));
  return CanonicalJson({{"_type", kRootType},
                        {"version", root.version},
                        {"domain", root.domain},
                        {"previous", root.previous},
                        {"issued_at", FormatRfc3339(root.issued_at)},
                        {"expires_at", FormatRfc3339(root.expires_at)},
                        {"changes_before", root.changes_before},
                        {"admins", {{"threshold", root.admin_threshold}, {"keys", admins}}},
                        {"online_keys", online}});
}

StatusOr<GovernanceRoot> ParseRootPayload(std::string_view payload, std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(payload, origin));
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireKnown({"_type", "version", "domain", "previous", "issued_at",
                                      "expires_at", "changes_before", "admins", "online_keys"}));
  GOV_ASSIGN_OR_RETURN(std::string type, r.String("_type"));
  if (type != kRootType) return r.Error("_type", "must be \"" + std::string(kRootType) + "\"");
  GovernanceRoot root;
  GOV_ASSIGN_OR_RETURN(root.version, r.Int("version"));
  GOV_ASSIGN_OR_RETURN(root.domain, r.OptionalString("domain"));
  GOV_ASSIGN_OR_RETURN(root.previous, r.OptionalString("previous"));
  GOV_ASSIGN_OR_RETURN(root.issued_at, r.Timestamp("issued_at"));
  GOV_ASSIGN_OR_RETURN(root.expires_at, r.Timestamp("expires_at"));
  GOV_ASSIGN_OR_RETURN(root.changes_before, r.Int("changes_before"));
  GOV_ASSIGN_OR_RETURN(JsonReader admins, r.Object("admins"));
  GOV_RETURN_IF_ERROR(admins.RequireKnown({"threshold", "keys"}));
  GOV_ASSIGN_OR_RETURN(int64_t threshold, admins.Int("threshold"));
  if (threshold < 1 || threshold > 100) return admins.Error("threshold", "must be 1 to 100");
  root.admin_threshold = static_cast<int>(threshold);
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* keys, admins.Member("keys", true));
  if (!keys->is_array()) return admins.Error("keys", "must be an array");
  for (size_t i = 0; i < keys->size(); ++i) {
    JsonReader k((*keys)[i], std::string(origin), "/admins/keys/" + std::to_string(i));
    GOV_ASSIGN_OR_RETURN(std::string identity, k.String("identity"));
    GOV_ASSIGN_OR_RETURN(PublicKey key, ReadKey(k));
    root.admins.push_back({identity, key});
  }
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* online, r.Member("online_keys", true));
  if (!online->is_array()) return r.Error("online_keys", "must be an array");
  for (size_t i = 0; i < online->size(); ++i) {
    JsonReader k((*online)[i], std::string(origin), "/online_keys/" + std::to_string(i));
    GOV_ASSIGN_OR_RETURN(PublicKey key, ReadKey(k));
    root.online_keys.push_back(key);
  }
  GOV_RETURN_IF_ERROR(ValidateRoot(root, origin));
  return root;
}

StatusOr<SignedRoot> ParseSignedRoot(const Envelope& envelope, std::string_view origin) {
  if (envelope.payload_type != kRootPayloadType) {
    return InvalidArgumentError(std::string(origin) + ": payloadType is \"" +
                                envelope.payload_type + "\", want " +
                                std::string(kRootPayloadType));
  }
  static ParseCache<GovernanceRoot>* parsed = new ParseCache<GovernanceRoot>(64);
  std::string digest = Sha256DigestOf(envelope.payload);
  std::optional<GovernanceRoot> root = parsed->Find(digest);
  if (!root) {
    GOV_ASSIGN_OR_RETURN(GovernanceRoot fresh, ParseRootPayload(envelope.payload, origin));
    parsed->Put(digest, fresh);
    root = std::move(fresh);
  }
  return SignedRoot{std::move(*root), envelope, std::move(digest)};
}

Envelope SignRoot(const GovernanceRoot& root, const std::vector<const PrivateKey*>& admins) {
  Envelope env{std::string(kRootPayloadType), RootPayload(root), {}};
  for (const PrivateKey* key : admins) AddSignature(env, *key);
  return env;
}

std::string ThresholdCount::Describe() const {
  std::string out = std::to_string(signers.size()) + " of " + std::to_string(threshold) +
                    " required admin signature" + (threshold == 1 ? "" : "s");
  if (!signers.empty()) {
    out += " (";
    for (size_t i = 0; i < signers.size(); ++i) out += (i ? ", " : "") + signers[i];
    out += ")";
  }
  return out;
}

ThresholdCount CountAdminSignatures(const Envelope& envelope, const GovernanceRoot& by) {
  ThresholdCount count;
  count.threshold = by.admin_threshold;
  for (const auto& sig : envelope.signatures) {
    const AdminKey* admin = by.FindAdmin(sig.keyid);
    if (!admin) continue;  // another version's admin, or not an admin at all
    if (!VerifySignature(envelope, sig, admin->key)) {
      count.problems.push_back("the signature of admin " + admin->identity + " does not verify");
      continue;
    }
    if (std::find(count.signers.begin(), count.signers.end(), admin->identity) ==
        count.signers.end()) {
      count.signers.push_back(admin->identity);
    }
  }
  return count;
}

const GovernanceRoot* VerifiedRoots::RootForChange(int64_t sequence) const {
  const GovernanceRoot* in_effect = nullptr;
  for (const auto& r : chain) {
    if (r.root.changes_before < sequence) in_effect = &r.root;
  }
  return in_effect;
}

const GovernanceRoot* VerifiedRoots::Version(int64_t version) const {
  for (const auto& r : chain) {
    if (r.root.version == version) return &r.root;
  }
  return nullptr;
}

StatusOr<VerifiedRoots> VerifyRootChain(const Envelope& pinned, const std::vector<Envelope>& stored,
                                        int64_t now, bool allow_expired) {
  auto pin = ParseSignedRoot(pinned, "the pinned root");
  if (!pin.ok()) return PermissionDeniedError(pin.status().message());
  const int64_t pv = pin->root.version;
  std::map<int64_t, SignedRoot> by_version;
  for (const auto& env : stored) {
    auto r = ParseSignedRoot(env, "stored root");
    if (!r.ok()) return PermissionDeniedError(r.status().message());
    const int64_t v = r->root.version;
    if (!by_version.emplace(v, std::move(*r)).second) {
      return PermissionDeniedError("the store holds two roots of version " + std::to_string(v));
    }
  }
  if (by_version.empty()) {
    return PermissionDeniedError("the store has no governance root (run `mgov init --admin-key`)");
  }
  const int64_t newest = by_version.rbegin()->first;
  auto at_pin = by_version.find(pv);
  if (at_pin == by_version.end()) {
    if (newest < pv) {
      return PermissionDeniedError("root rolled back: this host trusts root v" +
                                   std::to_string(pv) + ", the store's newest is v" +
                                   std::to_string(newest));
    }
    return PermissionDeniedError("the store has no root v" + std::to_string(pv) +
                                 ", the version this host trusts");
  }
  if (at_pin->second.envelope.payload != pin->envelope.payload) {
    return PermissionDeniedError("the store's root v" + std::to_string(pv) +
                                 " differs from the pinned one (" +
                                 ShortDigest(at_pin->second.digest) + " is not " +
                                 ShortDigest(pin->digest) +
                                 "): another governance domain or a forged root");
  }
  if (pv == 1 && !CountAdminSignatures(at_pin->second.envelope, pin->root).met() &&
      !CountAdminSignatures(pin->envelope, pin->root).met()) {
    // The payload is the pinned one; its signatures may have been added
    // since it was pinned (a threshold above one), and they verify here.
    return PermissionDeniedError("root v1 is not signed by a threshold of its admins");
  }
  // Earlier versions are authenticated by the previous digests above them.
  for (int64_t v = pv - 1; v >= 1; --v) {
    auto it = by_version.find(v);
    if (it == by_version.end()) {
      return PermissionDeniedError("the store is missing root v" + std::to_string(v));
    }
    if (it->second.digest != by_version.at(v + 1).root.previous) {
      return PermissionDeniedError("root v" + std::to_string(v) +
                                   " is not the one root v" + std::to_string(v + 1) + " follows");
    }
  }
  const std::string domain = pv == 1 ? pin->digest : pin->root.domain;
  for (int64_t v = pv + 1; v <= newest; ++v) {
    auto it = by_version.find(v);
    if (it == by_version.end()) {
      return PermissionDeniedError("the store is missing root v" + std::to_string(v));
    }
    const SignedRoot& prev = by_version.at(v - 1);
    const SignedRoot& next = it->second;
    const std::string name = "root v" + std::to_string(v);
    if (next.root.previous != prev.digest || next.root.domain != domain) {
      return PermissionDeniedError(name + " does not follow v" + std::to_string(v - 1) +
                                   " (its previous digest or domain differs)");
    }
    if (next.root.changes_before < prev.root.changes_before) {
      return PermissionDeniedError(name + " goes back in the chain of governance changes");
    }
    ThresholdCount old_admins = CountAdminSignatures(next.envelope, prev.root);
    if (!old_admins.met()) {
      return PermissionDeniedError(name + " is not signed by a threshold of v" +
                                   std::to_string(v - 1) + "'s admins: " +
                                   old_admins.Describe());
    }
    ThresholdCount new_admins = CountAdminSignatures(next.envelope, next.root);
    if (!new_admins.met()) {
      return PermissionDeniedError(name + " is not signed by a threshold of its own admins: " +
                                   new_admins.Describe());
    }
  }
  VerifiedRoots out;
  for (auto& [v, r] : by_version) out.chain.push_back(std::move(r));
  if (out.chain.front().root.version != 1 || out.domain() != domain) {
    return PermissionDeniedError("the store's root v1 does not name this governance domain");
  }
  const GovernanceRoot& current = out.current().root;
  if (!allow_expired && now >= current.expires_at) {
    return PermissionDeniedError("root v" + std::to_string(current.version) + " expired at " +
                                 FormatRfc3339(current.expires_at) +
                                 "; the admins must sign the next version (mgov root rotate)");
  }
  return out;
}

}  // namespace governance
