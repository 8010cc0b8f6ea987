#include "governance/authority.h"

#include <unistd.h>

#include <cstdlib>

#include "core/time.h"

namespace governance {

StatusOr<Authority> CheckAuthority(StoreTransaction& txn, std::string_view keyid, Role role) {
  Authority a;
  auto key = txn.GetKey(keyid);
  if (key.status().code() == StatusCode::kNotFound) {
    a.refusal = "key " + std::string(keyid.substr(0, 16)) + " is not enrolled";
    return a;
  }
  GOV_RETURN_IF_ERROR(key.status());
  a.key = std::move(*key);
  if (a.key->revoked) {
    a.refusal = "key " + a.key->keyid.substr(0, 16) + " (" + a.key->identity +
                ") was revoked: " + a.key->revocation_reason;
  } else if (!a.key->HasRole(role)) {
    a.refusal = "key " + a.key->keyid.substr(0, 16) + " (" + a.key->identity + ") lacks the " +
                std::string(RoleName(role)) + " role";
  }
  return a;
}

int64_t NowUnder(const std::function<int64_t()>& clock) { return clock ? clock() : NowSeconds(); }

std::string LocalActor() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid:" + std::to_string(::getuid());
}

}  // namespace governance
