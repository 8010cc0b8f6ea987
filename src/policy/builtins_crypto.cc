// Digest and HMAC builtins: crypto.md5 / sha1 / sha256 and crypto.hmac.*.
// Results are lowercase hex, as OPA gives them.
#include <openssl/crypto.h>

#include "core/encoding.h"
#include "policy/builtins.h"
#include "policy/openssl_util.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

template <const EVP_MD* (*Md)(), const char* kName>
Status HashBuiltin(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError(kName, 1, "string", a[0]);
  *out = Value::String(HexEncode(Digest(Md(), a[0].str())));
  return Status::Ok();
}

template <const EVP_MD* (*Md)(), const char* kName>
Status HmacBuiltin(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError(kName, 1, "string", a[0]);
  if (!a[1].is_string()) return OperandTypeError(kName, 2, "string", a[1]);
  *out = Value::String(HexEncode(Hmac(Md(), a[1].str(), a[0].str())));
  return Status::Ok();
}

// Compares in time independent of where the MACs differ (Go's hmac.Equal);
// MACs of different lengths are unequal.
Status HmacEqual(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "crypto.hmac.equal";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  if (!a[1].is_string()) return OperandTypeError(kFn, 2, "string", a[1]);
  const std::string& x = a[0].str();
  const std::string& y = a[1].str();
  *out = Value::Bool(x.size() == y.size() && CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0);
  return Status::Ok();
}

constexpr char kMd5[] = "crypto.md5";
constexpr char kSha1[] = "crypto.sha1";
constexpr char kSha256[] = "crypto.sha256";
constexpr char kHmacMd5[] = "crypto.hmac.md5";
constexpr char kHmacSha1[] = "crypto.hmac.sha1";
constexpr char kHmacSha256[] = "crypto.hmac.sha256";
constexpr char kHmacSha512[] = "crypto.hmac.sha512";

}  // namespace

void RegisterCryptoBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {kMd5, 1, HashBuiltin<EVP_md5, kMd5>},
                          {kSha1, 1, HashBuiltin<EVP_sha1, kSha1>},
                          {kSha256, 1, HashBuiltin<EVP_sha256, kSha256>},
                          {kHmacMd5, 2, HmacBuiltin<EVP_md5, kHmacMd5>},
                          {kHmacSha1, 2, HmacBuiltin<EVP_sha1, kHmacSha1>},
                          {kHmacSha256, 2, HmacBuiltin<EVP_sha256, kHmacSha256>},
                          {kHmacSha512, 2, HmacBuiltin<EVP_sha512, kHmacSha512>},
                          {"crypto.hmac.equal", 2, HmacEqual},
                      });
}

}  // namespace governance::rego
