// JSON Web Token builtins: io.jwt.decode, the io.jwt.verify_* family,
// io.jwt.decode_verify and io.jwt.encode_sign(_raw). Only JWS compact
// serialisation is supported (a JWE is refused, as OPA refuses it). Keys come
// as a PEM certificate, a PEM public key, a JWK or a JWK set; OpenSSL does
// every signature and MAC.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/document.h"
#include "core/encoding.h"
#include "policy/builtins.h"
#include "policy/openssl_util.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// ---------------------------------------------------------------- algorithms

enum class Family { kHmac, kRsaPkcs1, kRsaPss, kEcdsa, kEdDsa };

struct Algorithm {
  std::string_view name;
  Family family;
  const EVP_MD* (*md)();  // null for EdDSA, which hashes internally
};

const Algorithm kAlgorithms[] = {
    {"HS256", Family::kHmac, EVP_sha256},     {"HS384", Family::kHmac, EVP_sha384},
    {"HS512", Family::kHmac, EVP_sha512},     {"RS256", Family::kRsaPkcs1, EVP_sha256},
    {"RS384", Family::kRsaPkcs1, EVP_sha384}, {"RS512", Family::kRsaPkcs1, EVP_sha512},
    {"PS256", Family::kRsaPss, EVP_sha256},   {"PS384", Family::kRsaPss, EVP_sha384},
    {"PS512", Family::kRsaPss, EVP_sha512},   {"ES256", Family::kEcdsa, EVP_sha256},
    {"ES384", Family::kEcdsa, EVP_sha384},    {"ES512", Family::kEcdsa, EVP_sha512},
    {"EdDSA", Family::kEdDsa, nullptr},
};

const Algorithm* FindAlgorithm(std::string_view name) {
  for (const Algorithm& a : kAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// A key to check signatures with: an asymmetric key, or a JWK "oct" secret.
struct Key {
  std::string alg;  // the JWK's "alg"; empty for PEM keys
  std::string kid;
  PkeyPtr pkey;
  std::string secret;
  bool symmetric = false;
};

int KeyTypeFor(Family f) {
  switch (f) {
    case Family::kRsaPkcs1:
    case Family::kRsaPss:
      return EVP_PKEY_RSA;
    case Family::kEcdsa:
      return EVP_PKEY_EC;
    case Family::kEdDsa:
      return EVP_PKEY_ED25519;
    case Family::kHmac:
      break;
  }
  return EVP_PKEY_NONE;
}

bool SetRsaPadding(EVP_PKEY_CTX* pctx, const Algorithm& alg, bool signing) {
  if (alg.family == Family::kRsaPkcs1) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
  }
  if (alg.family == Family::kRsaPss) {
    // Verification accepts any salt length, as Go's rsa.VerifyPSS with no
    // options does; signing uses the digest's length, as OPA's signer does.
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, signing ? RSA_PSS_SALTLEN_DIGEST
                                                          : RSA_PSS_SALTLEN_AUTO) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, alg.md()) > 0;
  }
  return true;
}

// An ECDSA signature in JWS form (r || s, halves of equal length) as DER.
bool RawToDerSignature(std::string_view raw, std::string* der) {
  if (raw.empty() || raw.size() % 2 != 0) return false;
  size_t n = raw.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(n), nullptr);
  BIGNUM* s =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + n, static_cast<int>(n), nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* buf = nullptr;
  int len = i2d_ECDSA_SIG(sig, &buf);
  ECDSA_SIG_free(sig);
  if (len <= 0) return false;
  der->assign(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return true;
}

// Whether `signature` is `alg`'s signature of `message` under `key`.
bool VerifySignature(const Algorithm& alg, const Key& key, std::string_view message,
                     std::string_view signature) {
  if (alg.family == Family::kHmac) {
    if (!key.symmetric) return false;
    std::string mac = Hmac(alg.md(), key.secret, message);
    return mac.size() == signature.size() &&
           CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) == 0;
  }
  if (key.symmetric || !key.pkey || EVP_PKEY_get_base_id(key.pkey.get()) != KeyTypeFor(alg.family)) {
    return false;
  }
  std::string der;
  if (alg.family == Family::kEcdsa) {
    if (!RawToDerSignature(signature, &der)) return false;
    signature = der;
  }
  EVP_MD_CTX* mctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(mctx, &pctx, alg.md ? alg.md() : nullptr, nullptr, key.pkey.get()) == 1 &&
            SetRsaPadding(pctx, alg, false) &&
            EVP_DigestVerify(mctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()) == 1;
  EVP_MD_CTX_free(mctx);
  ERR_clear_error();
  return ok;
}

// ---------------------------------------------------------------- keys

bool B64Field(const nlohmann::json& jwk, const char* name, std::string* out) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return false;
  std::string err;
  return Base64UrlDecodeLenient(it->get<std::string>(), out, &err);
}

BnPtr ToBn(std::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

PkeyPtr FromParams(const char* type, OSSL_PARAM_BLD* bld, bool has_private) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1) {
    EVP_PKEY_fromdata(ctx, &pkey, has_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  ERR_clear_error();
  return PkeyPtr(pkey);
}

PkeyPtr RsaFromJwk(const nlohmann::json& jwk, std::string* err) {
  std::string n, e;
  if (!B64Field(jwk, "n", &n) || !B64Field(jwk, "e", &e)) {
    *err = "failed to parse RSA key: required field n or e is missing";
    return nullptr;
  }
  std::string d;
  bool has_private = B64Field(jwk, "d", &d);
  std::vector<BnPtr> bns;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  auto push = [&](const char* param, std::string_view bytes) {
    bns.push_back(ToBn(bytes));
    OSSL_PARAM_BLD_push_BN(bld, param, bns.back().get());
  };
  push(OSSL_PKEY_PARAM_RSA_N, n);
  push(OSSL_PKEY_PARAM_RSA_E, e);
  if (has_private) {
    push(OSSL_PKEY_PARAM_RSA_D, d);
    static const std::pair<const char*, const char*> kCrt[] = {
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},   {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
    std::string v;
    bool all = true;
    for (const auto& [field, param] : kCrt) all = all && jwk.contains(field);
    if (all) {
      for (const auto& [field, param] : kCrt) {
        if (B64Field(jwk, field, &v)) push(param, v);
      }
    }
  }
  PkeyPtr key = FromParams("RSA", bld, has_private);
  OSSL_PARAM_BLD_free(bld);
  if (!key) *err = "failed to create RSA key from JWK";
  return key;
}

PkeyPtr EcFromJwk(const nlohmann::json& jwk, std::string* err) {
  std::string crv = jwk.value("crv", "");
  const char* group = crv == "P-256" ? "prime256v1"
                      : crv == "P-384" ? "secp384r1"
                      : crv == "P-521" ? "secp521r1"
                                       : nullptr;
  if (!group) {
    *err = fmt::format("invalid curve name {}", crv);
    return nullptr;
  }
  std::string x, y, d;
  if (!B64Field(jwk, "x", &x) || !B64Field(jwk, "y", &y)) {
    *err = "failed to parse EC key: required field x or y is missing";
    return nullptr;
  }
  size_t width = crv == "P-521" ? 66 : crv == "P-384" ? 48 : 32;
  if (x.size() > width || y.size() > width) {
    *err = "failed to parse EC key: coordinate too long";
    return nullptr;
  }
  std::string point = "\x04" + std::string(width - x.size(), '\0') + x +
                      std::string(width - y.size(), '\0') + y;
  bool has_private = B64Field(jwk, "d", &d);
  BnPtr priv = has_private ? ToBn(d) : nullptr;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  if (priv) OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv.get());
  PkeyPtr key = FromParams("EC", bld, has_private);
  OSSL_PARAM_BLD_free(bld);
  if (!key) *err = "failed to create EC key from JWK";
  return key;
}

PkeyPtr OkpFromJwk(const nlohmann::json& jwk, std::string* err) {
  if (jwk.value("crv", "") != "Ed25519") {
    *err = fmt::format("unsupported curve {}", jwk.value("crv", ""));
    return nullptr;
  }
  std::string x, d;
  EVP_PKEY* key = nullptr;
  if (B64Field(jwk, "d", &d)) {
    key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(d.data()), d.size());
  } else if (B64Field(jwk, "x", &x)) {
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                      reinterpret_cast<const unsigned char*>(x.data()), x.size());
  }
  ERR_clear_error();
  if (!key) *err = "failed to create Ed25519 key from JWK";
  return PkeyPtr(key);
}

// One JWK object as a key.
bool KeyFromJwk(const nlohmann::json& jwk, Key* key, std::string* err) {
  if (!jwk.is_object()) {
    *err = "invalid JWK: not an object";
    return false;
  }
  std::string kty = jwk.value("kty", "");
  auto str = [&](const char* name) {
    auto it = jwk.find(name);
    return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  key->alg = str("alg");
  key->kid = str("kid");
  if (kty == "oct") {
    if (!B64Field(jwk, "k", &key->secret)) {
      *err = "failed to parse symmetric key: required field k is missing";
      return false;
    }
    key->symmetric = true;
    return true;
  }
  if (kty == "RSA") {
    key->pkey = RsaFromJwk(jwk, err);
  } else if (kty == "EC") {
    key->pkey = EcFromJwk(jwk, err);
  } else if (kty == "OKP") {
    key->pkey = OkpFromJwk(jwk, err);
  } else {
    *err = fmt::format("invalid key type from JSON ({})", kty);
    return false;
  }
  return key->pkey != nullptr;
}

// A JWK, or a JWK set ({"keys": [...]}), as keys.
bool KeysFromJwkText(std::string_view text, std::vector<Key>* keys, std::string* err) {
  auto json = ParseJson(text, "jwk", DuplicateKeys::kLastWins);
  if (!json.ok()) {
    *err = json.status().message();
    return false;
  }
  if (json->is_object() && json->contains("keys")) {
    const nlohmann::json& set = (*json)["keys"];
    if (!set.is_array()) {
      *err = "invalid JWK set: keys must be an array";
      return false;
    }
    for (const nlohmann::json& jwk : set) {
      Key key;
      if (!KeyFromJwk(jwk, &key, err)) return false;
      keys->push_back(std::move(key));
    }
    return true;
  }
  Key key;
  if (!KeyFromJwk(*json, &key, err)) return false;
  keys->push_back(std::move(key));
  return true;
}

// OPA's getKeysFromCertOrJWK: a PEM certificate or public key, else JWK text.
Status KeysFromCertOrJwk(std::string_view fn, std::string_view text, std::vector<Key>* keys) {
  if (std::optional<PemBlock> block = DecodePem(text)) {
    if (!block->rest.empty()) return BuiltinError(fn, "extra data after a PEM certificate block");
    const unsigned char* p = reinterpret_cast<const unsigned char*>(block->der.data());
    Key key;
    if (block->type == "CERTIFICATE") {
      X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(block->der.size())));
      if (cert) key.pkey.reset(X509_get_pubkey(cert.get()));
      if (!key.pkey) {
        ERR_clear_error();
        return BuiltinError(fn, "failed to parse a PEM certificate: x509: malformed certificate");
      }
    } else if (block->type == "PUBLIC KEY") {
      key.pkey.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(block->der.size())));
      if (!key.pkey) {
        ERR_clear_error();
        return BuiltinError(fn, "failed to parse a PEM public key: x509: malformed public key");
      }
    } else {
      return BuiltinError(fn, "failed to extract a Key from the PEM certificate");
    }
    keys->push_back(std::move(key));
    return Status::Ok();
  }
  std::string err;
  if (!KeysFromJwkText(text, keys, &err)) {
    return BuiltinError(fn, "failed to parse a JWK key (set): " + err);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- tokens

struct Token {
  std::string header, payload, signature;  // the encoded parts
  Value decoded_header;
};

Status SplitToken(std::string_view fn, const Value& v, Token* t) {
  if (!v.is_string()) return OperandTypeError(fn, 1, "string", v);
  const std::string& s = v.str();
  if (s.find('.') == std::string::npos) return BuiltinError(fn, "encoded JWT had no period separators");
  size_t parts = static_cast<size_t>(std::count(s.begin(), s.end(), '.')) + 1;
  if (parts != 3) return BuiltinError(fn, fmt::format("encoded JWT must have 3 sections, found {}", parts));
  size_t a = s.find('.'), b = s.find('.', a + 1);
  t->header = s.substr(0, a);
  t->payload = s.substr(a + 1, b - a - 1);
  t->signature = s.substr(b + 1);
  return Status::Ok();
}

// A JSON object's text as a Value, with OPA's messages.
Status JsonObject(std::string_view fn, std::string_view text, Value* out) {
  auto json = ParseJson(text, "jwt", DuplicateKeys::kLastWins);
  if (!json.ok()) return BuiltinError(fn, "invalid JSON: " + json.status().message());
  if (!json->is_object()) return BuiltinError(fn, "decoded JSON type is not an Object");
  *out = Value::FromJson(*json);
  return Status::Ok();
}

Status DecodeHeader(std::string_view fn, Token* t) {
  std::string raw, err;
  if (!Base64UrlDecodeLenient(t->header, &raw, &err)) {
    return BuiltinError(fn, "JWT header had invalid encoding: " + err);
  }
  auto json = ParseJson(raw, "jwt", DuplicateKeys::kLastWins);
  if (!json.ok()) return BuiltinError(fn, "bad JWT header: invalid JSON: " + json.status().message());
  if (!json->is_object()) return BuiltinError(fn, "bad JWT header: decoded JSON type is not an Object");
  // RFC 7516 §9: an "enc" member makes the token a JWE.
  if (json->contains("enc")) return BuiltinError(fn, "JWT is a JWE object, which is not supported");
  t->decoded_header = Value::FromJson(*json);
  return Status::Ok();
}

Status DecodeSignature(std::string_view fn, const Token& t, std::string* sig) {
  std::string err;
  if (!Base64UrlDecodeLenient(t.signature, sig, &err)) return BuiltinError(fn, err);
  return Status::Ok();
}

Status DecodePayload(std::string_view fn, const Token& t, std::string* payload) {
  std::string err;
  if (!Base64UrlDecodeLenient(t.payload, payload, &err)) {
    return BuiltinError(fn, "JWT payload had invalid encoding: " + err);
  }
  return Status::Ok();
}

std::string Trim(std::string_view s, std::string_view cut) {
  size_t b = s.find_first_not_of(cut);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(cut);
  return std::string(s.substr(b, e - b + 1));
}

Status JwtDecode(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "io.jwt.decode";
  Value token_text = a[0];
  // A payload whose "cty" is JWT is itself a token (nested signing): decode
  // the innermost one, as OPA does.
  for (int depth = 0;; ++depth) {
    Token t;
    GOV_RETURN_IF_ERROR(SplitToken(kFn, token_text, &t));
    GOV_RETURN_IF_ERROR(DecodeHeader(kFn, &t));
    std::string payload;
    GOV_RETURN_IF_ERROR(DecodePayload(kFn, t, &payload));
    const Value* cty = t.decoded_header.FindString("cty");
    if (cty && cty->is_string() && cty->str() == "JWT" && depth < 32) {
      token_text = Value::String(Trim(payload, "\"'"));
      continue;
    }
    Value claims;
    GOV_RETURN_IF_ERROR(JsonObject(kFn, payload, &claims));
    std::string sig;
    GOV_RETURN_IF_ERROR(DecodeSignature(kFn, t, &sig));
    *out = Value::Array({t.decoded_header, claims, Value::String(HexEncode(sig))});
    return Status::Ok();
  }
}

// The header fields decode_verify and the verify_* builtins look at.
struct Header {
  std::string alg, kid, typ, cty;
  std::vector<std::string> crit, unknown;
  // RFC 7515: "alg" is required, and a critical parameter we do not know
  // makes the token invalid.
  bool Valid() const {
    if (alg.empty()) return false;
    for (const std::string& u : unknown) {
      if (std::find(crit.begin(), crit.end(), u) != crit.end()) return false;
    }
    return true;
  }
};

Status ParseHeader(std::string_view fn, const Value& h, Header* out) {
  for (const auto& [k, v] : h.entries()) {
    const std::string& name = k.str();
    std::string* field = name == "alg"   ? &out->alg
                         : name == "kid" ? &out->kid
                         : name == "typ" ? &out->typ
                         : name == "cty" ? &out->cty
                                         : nullptr;
    if (field) {
      if (!v.is_string()) return BuiltinError(fn, fmt::format("{} header: must be a string", name));
      *field = v.str();
    } else if (name == "crit") {
      if (!v.is_array()) return BuiltinError(fn, "crit: must be a list");
      for (const Value& c : v.items()) {
        if (!c.is_string()) return BuiltinError(fn, "crit: must be a list of strings");
        out->crit.push_back(c.str());
      }
      if (out->crit.empty()) return BuiltinError(fn, "crit: must be a nonempty list");
    } else {
      out->unknown.push_back(name);
    }
  }
  return Status::Ok();
}

const Key* KeyByKid(const std::vector<Key>& keys, std::string_view kid) {
  for (const Key& k : keys) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

// Whether any of `keys` verifies the token for `alg`: the key whose "kid"
// matches the header's, if any; otherwise each key whose "alg" is unset or
// equal to the header's.
bool VerifyWithKeys(const Algorithm& alg, std::string_view header_alg, std::string_view kid,
                    const std::vector<Key>& keys, std::string_view message, std::string_view sig) {
  if (!kid.empty()) {
    if (const Key* k = KeyByKid(keys, kid)) return VerifySignature(alg, *k, message, sig);
  }
  for (const Key& k : keys) {
    if (!k.alg.empty() && k.alg != header_alg) continue;
    if (VerifySignature(alg, k, message, sig)) return true;
  }
  return false;
}

Status VerifyAsymmetric(std::string_view fn, std::string_view alg_name, Operands a, Value* out) {
  Token t;
  GOV_RETURN_IF_ERROR(SplitToken(fn, a[0], &t));
  if (!a[1].is_string()) return OperandTypeError(fn, 2, "string", a[1]);
  std::vector<Key> keys;
  GOV_RETURN_IF_ERROR(KeysFromCertOrJwk(fn, a[1].str(), &keys));
  std::string sig;
  GOV_RETURN_IF_ERROR(DecodeSignature(fn, t, &sig));
  GOV_RETURN_IF_ERROR(DecodeHeader(fn, &t));
  Header h;
  GOV_RETURN_IF_ERROR(ParseHeader(fn, t.decoded_header, &h));
  const Algorithm* alg = FindAlgorithm(alg_name);
  *out = Value::Bool(VerifyWithKeys(*alg, h.alg, h.kid, keys, t.header + "." + t.payload, sig));
  return Status::Ok();
}

Status VerifyHmac(std::string_view fn, const EVP_MD* md, Operands a, Value* out) {
  Token t;
  GOV_RETURN_IF_ERROR(SplitToken(fn, a[0], &t));
  if (!a[1].is_string()) return OperandTypeError(fn, 2, "string", a[1]);
  std::string mac = Hmac(md, a[1].str(), t.header + "." + t.payload);
  std::string sig;
  GOV_RETURN_IF_ERROR(DecodeSignature(fn, t, &sig));
  *out = Value::Bool(sig.size() == mac.size() && CRYPTO_memcmp(sig.data(), mac.data(), mac.size()) == 0);
  return Status::Ok();
}

template <const char* kFn, const char* kAlg>
Status VerifyAsymmetricBuiltin(Ctx&, Operands a, Value* out) {
  return VerifyAsymmetric(kFn, kAlg, a, out);
}

template <const char* kFn, const EVP_MD* (*Md)()>
Status VerifyHmacBuiltin(Ctx&, Operands a, Value* out) {
  return VerifyHmac(kFn, Md(), a, out);
}

// ---------------------------------------------------------------- decode_verify

struct Constraints {
  std::vector<Key> keys;
  bool has_keys = false;
  std::string secret, alg, iss, aud;
  double time = std::numeric_limits<double>::max();
};

Status ParseConstraints(std::string_view fn, const Value& o, Ctx& ctx, Constraints* c) {
  for (const auto& [k, v] : o.entries()) {
    std::string name = k.is_string() ? k.str() : k.ToString();
    if (name == "cert") {
      if (!v.is_string()) return BuiltinError(fn, "cert constraint: must be a string");
      GOV_RETURN_IF_ERROR(KeysFromCertOrJwk(fn, v.str(), &c->keys));
      c->has_keys = true;
    } else if (name == "secret" || name == "alg" || name == "iss" || name == "aud") {
      if (!v.is_string()) return BuiltinError(fn, fmt::format("{} constraint: must be a string", name));
      std::string* field = name == "secret" ? &c->secret
                           : name == "alg"  ? &c->alg
                           : name == "iss"  ? &c->iss
                                            : &c->aud;
      *field = v.str();
    } else if (name == "time") {
      if (!v.is_number()) return BuiltinError(fn, "token time constraint: must be a number");
      if (v.as_double() < 0) return BuiltinError(fn, "token time constraint: must not be negative");
      c->time = v.as_double();
    } else {
      return BuiltinError(fn, fmt::format("unknown token validation constraint: {}", name));
    }
  }
  if (c->time == std::numeric_limits<double>::max()) c->time = static_cast<double>(ctx.now_ns);
  int key_kinds = (c->has_keys ? 1 : 0) + (c->secret.empty() ? 0 : 1);
  if (key_kinds > 1) return BuiltinError(fn, "duplicate key constraints");
  if (key_kinds < 1) return BuiltinError(fn, "no key constraint");
  return Status::Ok();
}

bool ValidAudience(const Value& aud, std::string_view want) {
  if (aud.is_string()) return aud.str() == want;
  if (!aud.is_array()) return false;
  for (const Value& e : aud.items()) {
    if (e.is_string() && e.str() == want) return true;
  }
  return false;
}

Status JwtDecodeVerify(Ctx& ctx, Operands a, Value* out) {
  static constexpr std::string_view kFn = "io.jwt.decode_verify";
  if (!a[1].is_object()) return OperandTypeError(kFn, 2, "object", a[1]);
  Value unverified = Value::Array({Value::False(), Value::Object({}), Value::Object({})});
  Constraints c;
  GOV_RETURN_IF_ERROR(ParseConstraints(kFn, a[1], ctx, &c));
  Value token_text = a[0];
  Token t;
  std::string payload;
  for (int depth = 0;; ++depth) {
    t = Token();
    GOV_RETURN_IF_ERROR(SplitToken(kFn, token_text, &t));
    GOV_RETURN_IF_ERROR(DecodeHeader(kFn, &t));
    Header h;
    GOV_RETURN_IF_ERROR(ParseHeader(kFn, t.decoded_header, &h));
    if (!h.Valid() || (!c.alg.empty() && c.alg != h.alg)) {
      *out = unverified;
      return Status::Ok();
    }
    std::string sig;
    GOV_RETURN_IF_ERROR(DecodeSignature(kFn, t, &sig));
    const Algorithm* alg = FindAlgorithm(h.alg);
    if (!alg) return BuiltinError(kFn, fmt::format("unknown JWS algorithm: {}", h.alg));
    std::string message = t.header + "." + t.payload;
    bool verified;
    if (c.has_keys) {
      verified = VerifyWithKeys(*alg, h.alg, h.kid, c.keys, message, sig);
    } else {
      if (alg->family != Family::kHmac) {
        // OPA hands the secret to the algorithm's verifier, which refuses
        // a key of the wrong type as an error, not as a failed check.
        return BuiltinError(kFn, "incorrect public key type");
      }
      Key secret;
      secret.symmetric = true;
      secret.secret = c.secret;
      verified = VerifySignature(*alg, secret, message, sig);
    }
    if (!verified) {
      *out = unverified;
      return Status::Ok();
    }
    GOV_RETURN_IF_ERROR(DecodePayload(kFn, t, &payload));
    std::string cty = h.cty;
    std::transform(cty.begin(), cty.end(), cty.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (cty == "JWT" && depth < 32) {
      token_text = Value::String(payload);
      continue;
    }
    break;
  }
  Value claims;
  GOV_RETURN_IF_ERROR(JsonObject(kFn, payload, &claims));
  if (!c.iss.empty()) {
    const Value* iss = claims.FindString("iss");
    if (!iss || !iss->is_string() || iss->str() != c.iss) {
      *out = unverified;
      return Status::Ok();
    }
  }
  if (const Value* aud = claims.FindString("aud")) {
    if (!ValidAudience(*aud, c.aud)) {
      *out = unverified;
      return Status::Ok();
    }
  } else if (!c.aud.empty()) {
    *out = unverified;
    return Status::Ok();
  }
  // exp and nbf are seconds; the constraint's time is nanoseconds.
  double now = c.time / 1e9;
  if (const Value* exp = claims.FindString("exp")) {
    if (!exp->is_number()) return BuiltinError(kFn, "exp value must be a number");
    if (now >= exp->as_double()) {
      *out = unverified;
      return Status::Ok();
    }
  }
  if (const Value* nbf = claims.FindString("nbf")) {
    if (!nbf->is_number()) return BuiltinError(kFn, "nbf value must be a number");
    if (now < nbf->as_double()) {
      *out = unverified;
      return Status::Ok();
    }
  }
  *out = Value::Array({Value::True(), t.decoded_header, claims});
  return Status::Ok();
}

// ---------------------------------------------------------------- signing

// Go's json.Marshal of a value: sorted keys, no spaces, and <, >, & escaped.
std::string GoJson(const Value& v) {
  std::string s = v.ToJson().dump();
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    if (ch == '<') {
      out += "\\u003c";
    } else if (ch == '>') {
      out += "\\u003e";
    } else if (ch == '&') {
      out += "\\u0026";
    } else {
      out += ch;
    }
  }
  return out;
}

// The error text Go's encoding/json gives for text that is not JSON at
// all, from its first byte.
std::string GoJsonSyntaxError(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return "unexpected end of JSON input";
  char c = text[i];
  std::string shown = c == '\'' ? "'\\''" : fmt::format("'{}'", c);
  return fmt::format("invalid character {} looking for beginning of value", shown);
}

Status Sign(std::string_view fn, const Algorithm& alg, const Key& key, std::string_view message,
            std::string* sig) {
  if (alg.family == Family::kHmac) {
    if (!key.symmetric) return BuiltinError(fn, "invalid key type for HMAC signing: want a symmetric key");
    *sig = Hmac(alg.md(), key.secret, message);
    return Status::Ok();
  }
  if (key.symmetric || EVP_PKEY_get_base_id(key.pkey.get()) != KeyTypeFor(alg.family)) {
    return BuiltinError(fn, fmt::format("invalid key type for {} signing", alg.name));
  }
  EVP_MD_CTX* mctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  size_t len = 0;
  std::string buf;
  bool ok = EVP_DigestSignInit(mctx, &pctx, alg.md ? alg.md() : nullptr, nullptr, key.pkey.get()) == 1 &&
            SetRsaPadding(pctx, alg, true) &&
            EVP_DigestSign(mctx, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1;
  if (ok) {
    buf.resize(len);
    ok = EVP_DigestSign(mctx, reinterpret_cast<unsigned char*>(buf.data()), &len,
                        reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    buf.resize(len);
  }
  EVP_MD_CTX_free(mctx);
  if (!ok) return BuiltinError(fn, "failed to sign payload: " + OpenSslError());
  if (alg.family == Family::kEcdsa) {
    // JWS wants r || s, each as wide as the curve's order.
    const unsigned char* p = reinterpret_cast<const unsigned char*>(buf.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(buf.size()));
    if (!es) return BuiltinError(fn, "failed to sign payload: bad ECDSA signature");
    size_t width = static_cast<size_t>(EVP_PKEY_get_bits(key.pkey.get()) + 7) / 8;
    *sig = BnBytes(ECDSA_SIG_get0_r(es), width) + BnBytes(ECDSA_SIG_get0_s(es), width);
    ECDSA_SIG_free(es);
    return Status::Ok();
  }
  *sig = std::move(buf);
  return Status::Ok();
}

Status EncodeSign(std::string_view fn, std::string_view header, std::string_view payload,
                  std::string_view jwk_text, Value* out) {
  auto header_json = ParseJson(header, "jws", DuplicateKeys::kLastWins);
  if (!header_json.ok()) {
    if (header.empty()) {
      return BuiltinError(fn, "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
    }
    if (header.find('{') != std::string_view::npos) {
      return BuiltinError(fn, "missing or invalid 'alg' header: cannot parse JSON");
    }
    return BuiltinError(fn, GoJsonSyntaxError(header));
  }
  const nlohmann::json* alg_json = nullptr;
  if (header_json->is_object()) {
    auto it = header_json->find("alg");
    if (it != header_json->end() && it->is_string()) alg_json = &*it;
  }
  if (!alg_json) return BuiltinError(fn, "missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
  std::string alg_name = alg_json->get<std::string>();
  const Algorithm* alg = FindAlgorithm(alg_name);
  if (!alg) return BuiltinError(fn, fmt::format("unknown JWS algorithm: {}", alg_name));
  std::string typ;
  if (auto it = header_json->find("typ"); it != header_json->end() && it->is_string()) {
    typ = it->get<std::string>();
  }
  if ((typ.empty() || typ == "JWT") && !ParseJson(payload, "jws", DuplicateKeys::kLastWins).ok()) {
    return BuiltinError(fn, "type is JWT but payload is not JSON");
  }
  std::vector<Key> keys;
  std::string err;
  if (!KeysFromJwkText(jwk_text, &keys, &err)) return BuiltinError(fn, err);
  if (keys.empty()) return BuiltinError(fn, "no keys in the JWK set");
  std::string message = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  std::string sig;
  GOV_RETURN_IF_ERROR(Sign(fn, *alg, keys[0], message, &sig));
  *out = Value::String(message + "." + Base64UrlEncode(sig));
  return Status::Ok();
}

Status JwtEncodeSignRaw(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "io.jwt.encode_sign_raw";
  for (int i = 0; i < 3; ++i) {
    if (!a[i].is_string()) return OperandTypeError(kFn, i + 1, "string", a[i]);
  }
  return EncodeSign(kFn, a[0].str(), a[1].str(), a[2].str(), out);
}

Status JwtEncodeSign(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "io.jwt.encode_sign";
  for (int i = 0; i < 3; ++i) {
    if (!a[i].is_object()) return OperandTypeError(kFn, i + 1, "object", a[i]);
  }
  return EncodeSign(kFn, GoJson(a[0]), GoJson(a[1]), GoJson(a[2]), out);
}

constexpr char kRs256[] = "io.jwt.verify_rs256";
constexpr char kRs384[] = "io.jwt.verify_rs384";
constexpr char kRs512[] = "io.jwt.verify_rs512";
constexpr char kPs256[] = "io.jwt.verify_ps256";
constexpr char kPs384[] = "io.jwt.verify_ps384";
constexpr char kPs512[] = "io.jwt.verify_ps512";
constexpr char kEs256[] = "io.jwt.verify_es256";
constexpr char kEs384[] = "io.jwt.verify_es384";
constexpr char kEs512[] = "io.jwt.verify_es512";
constexpr char kEdDsa[] = "io.jwt.verify_eddsa";
constexpr char kHs256[] = "io.jwt.verify_hs256";
constexpr char kHs384[] = "io.jwt.verify_hs384";
constexpr char kHs512[] = "io.jwt.verify_hs512";
constexpr char kAlgRs256[] = "RS256";
constexpr char kAlgRs384[] = "RS384";
constexpr char kAlgRs512[] = "RS512";
constexpr char kAlgPs256[] = "PS256";
constexpr char kAlgPs384[] = "PS384";
constexpr char kAlgPs512[] = "PS512";
constexpr char kAlgEs256[] = "ES256";
constexpr char kAlgEs384[] = "ES384";
constexpr char kAlgEs512[] = "ES512";
constexpr char kAlgEdDsa[] = "EdDSA";

}  // namespace

void RegisterJwtBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"io.jwt.decode", 1, JwtDecode},
                          {"io.jwt.decode_verify", 2, JwtDecodeVerify},
                          {"io.jwt.encode_sign", 3, JwtEncodeSign},
                          {"io.jwt.encode_sign_raw", 3, JwtEncodeSignRaw},
                          {kRs256, 2, VerifyAsymmetricBuiltin<kRs256, kAlgRs256>},
                          {kRs384, 2, VerifyAsymmetricBuiltin<kRs384, kAlgRs384>},
                          {kRs512, 2, VerifyAsymmetricBuiltin<kRs512, kAlgRs512>},
                          {kPs256, 2, VerifyAsymmetricBuiltin<kPs256, kAlgPs256>},
                          {kPs384, 2, VerifyAsymmetricBuiltin<kPs384, kAlgPs384>},
                          {kPs512, 2, VerifyAsymmetricBuiltin<kPs512, kAlgPs512>},
                          {kEs256, 2, VerifyAsymmetricBuiltin<kEs256, kAlgEs256>},
                          {kEs384, 2, VerifyAsymmetricBuiltin<kEs384, kAlgEs384>},
                          {kEs512, 2, VerifyAsymmetricBuiltin<kEs512, kAlgEs512>},
                          {kEdDsa, 2, VerifyAsymmetricBuiltin<kEdDsa, kAlgEdDsa>},
                          {kHs256, 2, VerifyHmacBuiltin<kHs256, EVP_sha256>},
                          {kHs384, 2, VerifyHmacBuiltin<kHs384, EVP_sha384>},
                          {kHs512, 2, VerifyHmacBuiltin<kHs512, EVP_sha512>},
                      });
}

}  // namespace governance::rego
