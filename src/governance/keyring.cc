#include "governance/authority.h"
#include "governance/coordinator.h"

namespace governance {

Keyring::Keyring(Store& store, PlaneOptions options) : store_(store), options_(std::move(options)) {}

StatusOr<KeyRecord> Keyring::Enroll(const PublicKey& key, const std::string& identity,
                                    const std::vector<Role>& roles, const std::string& actor) {
  if (identity.empty()) return InvalidArgumentError("an enrolled key needs an identity");
  if (roles.empty()) return InvalidArgumentError("an enrolled key needs at least one role");
  KeyRecord record;
  record.keyid = key.keyid();
  record.identity = identity;
  record.roles = roles;
  record.public_key_pem = key.ToPem();
  record.enrolled_at = NowUnder(options_.clock);
  nlohmann::json role_names = nlohmann::json::array();
  for (Role r : roles) role_names.push_back(RoleName(r));
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    GOV_RETURN_IF_ERROR(txn.PutKey(record));
    return txn
        .AppendLedger({"key.enrolled", actor, record.keyid,
                       {{"identity", identity}, {"roles", role_names}}})
        .status();
  }));
  return record;
}

Status Keyring::Revoke(const std::string& keyid, const std::string& reason,
                       const std::string& actor) {
  if (reason.empty()) return InvalidArgumentError("a key revocation needs a reason");
  return store_.Transact([&](StoreTransaction& txn) -> Status {
    GOV_RETURN_IF_ERROR(txn.RevokeKey(keyid, reason, NowUnder(options_.clock)));
    return txn.AppendLedger({"key.revoked", actor, keyid, {{"reason", reason}}}).status();
  });
}

}  // namespace governance
