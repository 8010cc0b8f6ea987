// X.509 builtins: crypto.x509.parse_certificates, parse_and_verify_certificates,
// parse_certificate_request, parse_keypair and parse_rsa_private_key. OpenSSL
// parses and verifies; the results carry the field names of Go's
// crypto/x509 types as encoding/json writes them, which is what OPA returns
// (byte strings as standard base64, absent lists as null).
#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <ctime>

#include <fmt/format.h>

#include "core/encoding.h"
#include "policy/builtins.h"
#include "policy/openssl_util.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

Value Str(std::string s) { return Value::String(std::move(s)); }
Value Bytes(std::string_view der) { return Value::String(Base64Encode(der)); }

Value Obj(std::vector<std::pair<std::string, Value>> fields) {
  ObjectEntries entries;
  for (auto& [k, v] : fields) entries.emplace_back(Value::String(k), std::move(v));
  return Value::Object(std::move(entries));
}

// A list of strings, or null when empty (a nil slice in Go).
Value StringsOrNull(const std::vector<std::string>& items) {
  if (items.empty()) return Value::Null();
  ValueVector v;
  for (const std::string& s : items) v.push_back(Str(s));
  return Value::Array(std::move(v));
}

template <typename T, typename F>
std::string I2d(T* obj, F fn) {
  unsigned char* buf = nullptr;
  int len = fn(obj, &buf);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string Asn1String(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

Value OidValue(const ASN1_OBJECT* obj) {
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  ValueVector arcs;
  std::string_view text = buf;
  while (!text.empty()) {
    size_t dot = text.find('.');
    arcs.push_back(Value::Int(std::stoll(std::string(text.substr(0, dot)))));
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return Value::Array(std::move(arcs));
}

// Go's pkix.Name.
Value NameValue(const X509_NAME* name) {
  std::vector<std::string> country, org, ou, locality, province, street, postal;
  std::string serial, common;
  ValueVector names;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    std::string value = Asn1String(X509_NAME_ENTRY_get_data(e));
    names.push_back(Obj({{"Type", OidValue(obj)}, {"Value", Str(value)}}));
    switch (OBJ_obj2nid(obj)) {
      case NID_countryName:
        country.push_back(value);
        break;
      case NID_organizationName:
        org.push_back(value);
        break;
      case NID_organizationalUnitName:
        ou.push_back(value);
        break;
      case NID_localityName:
        locality.push_back(value);
        break;
      case NID_stateOrProvinceName:
        province.push_back(value);
        break;
      case NID_streetAddress:
        street.push_back(value);
        break;
      case NID_postalCode:
        postal.push_back(value);
        break;
      case NID_serialNumber:
        serial = value;
        break;
      case NID_commonName:
        common = value;
        break;
      default:
        break;
    }
  }
  return Obj({{"Country", StringsOrNull(country)},
              {"Organization", StringsOrNull(org)},
              {"OrganizationalUnit", StringsOrNull(ou)},
              {"Locality", StringsOrNull(locality)},
              {"Province", StringsOrNull(province)},
              {"StreetAddress", StringsOrNull(street)},
              {"PostalCode", StringsOrNull(postal)},
              {"SerialNumber", Str(serial)},
              {"CommonName", Str(common)},
              {"Names", names.empty() ? Value::Null() : Value::Array(std::move(names))},
              {"ExtraNames", Value::Null()}});
}

// RFC 3339 in UTC, as Go's time.Time marshals.
std::string TimeText(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A big integer as a JSON number (Go marshals *big.Int as a number).
Value BigNumber(const BIGNUM* bn) {
  char* dec = BN_bn2dec(bn);
  std::string text = dec ? dec : "0";
  OPENSSL_free(dec);
  auto json = nlohmann::json::parse(text, nullptr, false);
  return json.is_discarded() ? Str(text) : Value::FromJson(json);
}

// Go's x509.PublicKeyAlgorithm numbering.
int64_t PublicKeyAlgorithm(EVP_PKEY* key) {
  switch (key ? EVP_PKEY_get_base_id(key) : EVP_PKEY_NONE) {
    case EVP_PKEY_RSA:
      return 1;
    case EVP_PKEY_DSA:
      return 2;
    case EVP_PKEY_EC:
      return 3;
    case EVP_PKEY_ED25519:
      return 4;
    default:
      return 0;
  }
}

// Go's x509.SignatureAlgorithm numbering, by the signature's OID.
int64_t SignatureAlgorithm(int nid) {
  switch (nid) {
    case NID_md2WithRSAEncryption:
      return 1;
    case NID_md5WithRSAEncryption:
      return 2;
    case NID_sha1WithRSAEncryption:
      return 3;
    case NID_sha256WithRSAEncryption:
      return 4;
    case NID_sha384WithRSAEncryption:
      return 5;
    case NID_sha512WithRSAEncryption:
      return 6;
    case NID_dsaWithSHA1:
      return 7;
    case NID_dsa_with_SHA256:
      return 8;
    case NID_ecdsa_with_SHA1:
      return 9;
    case NID_ecdsa_with_SHA256:
      return 10;
    case NID_ecdsa_with_SHA384:
      return 11;
    case NID_ecdsa_with_SHA512:
      return 12;
    case NID_rsassaPss:
      return 13;  // SHA256WithRSAPSS; the hash is in the parameters
    case NID_ED25519:
      return 16;
    default:
      return 0;
  }
}

// Go's marshalling of the public key: RSA {N, E}, ECDSA {Curve, X, Y},
// Ed25519 the raw bytes.
Value PublicKeyValue(EVP_PKEY* key) {
  if (!key) return Value::Null();
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: {
      BIGNUM *n = nullptr, *e = nullptr;
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
      BnPtr np(n), ep(e);
      if (!n || !e) return Value::Null();
      return Obj({{"N", BigNumber(n)}, {"E", BigNumber(e)}});
    }
    case EVP_PKEY_EC: {
      BIGNUM *x = nullptr, *y = nullptr;
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x);
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
      BnPtr xp(x), yp(y);
      if (!x || !y) return Value::Null();
      return Obj({{"Curve", Obj({})}, {"X", BigNumber(x)}, {"Y", BigNumber(y)}});
    }
    case EVP_PKEY_ED25519: {
      unsigned char raw[64];
      size_t len = sizeof raw;
      if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1) return Value::Null();
      return Bytes(std::string_view(reinterpret_cast<char*>(raw), len));
    }
    default:
      return Value::Null();
  }
}

struct GeneralNames {
  std::vector<std::string> dns, email, ip, uri;
};

GeneralNames SubjectAltNames(const GENERAL_NAMES* names) {
  GeneralNames out;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    switch (g->type) {
      case GEN_DNS:
        out.dns.push_back(Asn1String(g->d.dNSName));
        break;
      case GEN_EMAIL:
        out.email.push_back(Asn1String(g->d.rfc822Name));
        break;
      case GEN_URI:
        out.uri.push_back(Asn1String(g->d.uniformResourceIdentifier));
        break;
      case GEN_IPADD: {
        const ASN1_OCTET_STRING* ip = g->d.iPAddress;
        std::string raw(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ip)),
                        static_cast<size_t>(ASN1_STRING_length(ip)));
        // Go's net.IP marshals as its text.
        if (raw.size() == 4) {
          out.ip.push_back(fmt::format("{}.{}.{}.{}", static_cast<uint8_t>(raw[0]),
                                       static_cast<uint8_t>(raw[1]), static_cast<uint8_t>(raw[2]),
                                       static_cast<uint8_t>(raw[3])));
        } else {
          char buf[64];
          if (raw.size() == 16 && inet_ntop(AF_INET6, raw.data(), buf, sizeof buf)) out.ip.push_back(buf);
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

std::vector<std::string> AccessLocations(X509* cert, int method_nid) {
  std::vector<std::string> out;
  auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr));
  for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
    ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
    if (OBJ_obj2nid(ad->method) == method_nid && ad->location->type == GEN_URI) {
      out.push_back(Asn1String(ad->location->d.uniformResourceIdentifier));
    }
  }
  AUTHORITY_INFO_ACCESS_free(aia);
  return out;
}

// Go's x509.Certificate, as OPA returns it (with "URIStrings" added).
Value CertificateValue(X509* cert) {
  std::vector<std::pair<std::string, Value>> f;
  f.emplace_back("Raw", Bytes(I2d(cert, i2d_X509)));
  f.emplace_back("RawTBSCertificate", Bytes(I2d(cert, i2d_re_X509_tbs)));
  f.emplace_back("RawSubjectPublicKeyInfo", Bytes(I2d(X509_get_X509_PUBKEY(cert), i2d_X509_PUBKEY)));
  f.emplace_back("RawSubject", Bytes(I2d(X509_get_subject_name(cert), i2d_X509_NAME)));
  f.emplace_back("RawIssuer", Bytes(I2d(X509_get_issuer_name(cert), i2d_X509_NAME)));
  const ASN1_BIT_STRING* sig = nullptr;
  X509_get0_signature(&sig, nullptr, cert);
  f.emplace_back("Signature", Bytes(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)),
                                                     static_cast<size_t>(ASN1_STRING_length(sig)))));
  f.emplace_back("SignatureAlgorithm", Value::Int(SignatureAlgorithm(X509_get_signature_nid(cert))));
  EVP_PKEY* key = X509_get0_pubkey(cert);
  f.emplace_back("PublicKeyAlgorithm", Value::Int(PublicKeyAlgorithm(key)));
  f.emplace_back("PublicKey", PublicKeyValue(key));
  f.emplace_back("Version", Value::Int(X509_get_version(cert) + 1));
  BnPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  f.emplace_back("SerialNumber", serial ? BigNumber(serial.get()) : Value::Null());
  f.emplace_back("Issuer", NameValue(X509_get_issuer_name(cert)));
  f.emplace_back("Subject", NameValue(X509_get_subject_name(cert)));
  f.emplace_back("NotBefore", Str(TimeText(X509_get0_notBefore(cert))));
  f.emplace_back("NotAfter", Str(TimeText(X509_get0_notAfter(cert))));
  uint32_t ku = X509_get_key_usage(cert);
  // Go numbers key usages from digitalSignature = 1 upwards, bit by bit in
  // the DER order; OpenSSL's mask has the same first eight bits reversed
  // within the byte, plus decipherOnly at 0x8000.
  int64_t go_ku = 0;
  if (ku != UINT32_MAX) {
    static const uint32_t kBits[] = {KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, KU_KEY_ENCIPHERMENT,
                                     KU_DATA_ENCIPHERMENT, KU_KEY_AGREEMENT,   KU_KEY_CERT_SIGN,
                                     KU_CRL_SIGN,          KU_ENCIPHER_ONLY,   KU_DECIPHER_ONLY};
    for (int i = 0; i < 9; ++i) {
      if (ku & kBits[i]) go_ku |= int64_t{1} << i;
    }
  }
  f.emplace_back("KeyUsage", Value::Int(go_ku));
  uint32_t flags = X509_get_extension_flags(cert);
  bool bc_valid = (flags & EXFLAG_BCONS) != 0;
  f.emplace_back("BasicConstraintsValid", Value::Bool(bc_valid));
  f.emplace_back("IsCA", Value::Bool(bc_valid && (flags & EXFLAG_CA) != 0));
  long pathlen = X509_get_pathlen(cert);
  f.emplace_back("MaxPathLen", Value::Int(bc_valid ? (pathlen >= 0 ? pathlen : -1) : 0));
  f.emplace_back("MaxPathLenZero", Value::Bool(bc_valid && pathlen == 0));
  const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(cert);
  f.emplace_back("SubjectKeyId",
                 skid ? Bytes(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(skid)),
                                               static_cast<size_t>(ASN1_STRING_length(skid))))
                      : Value::Null());
  const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(cert);
  f.emplace_back("AuthorityKeyId",
                 akid ? Bytes(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(akid)),
                                               static_cast<size_t>(ASN1_STRING_length(akid))))
                      : Value::Null());
  f.emplace_back("OCSPServer", StringsOrNull(AccessLocations(cert, NID_ad_OCSP)));
  f.emplace_back("IssuingCertificateURL", StringsOrNull(AccessLocations(cert, NID_ad_ca_issuers)));
  auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  GeneralNames names = SubjectAltNames(sans);
  GENERAL_NAMES_free(sans);
  f.emplace_back("DNSNames", StringsOrNull(names.dns));
  f.emplace_back("EmailAddresses", StringsOrNull(names.email));
  f.emplace_back("IPAddresses", StringsOrNull(names.ip));
  f.emplace_back("URIStrings", StringsOrNull(names.uri));
  return Obj(std::move(f));
}

// Concatenated DER certificates (Go's x509.ParseCertificates).
Status ParseDerCertificates(std::string_view fn, std::string_view der, std::vector<X509Ptr>* out) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  while (p < end) {
    X509Ptr cert(d2i_X509(nullptr, &p, end - p));
    if (!cert) {
      ERR_clear_error();
      return BuiltinError(fn, "x509: malformed certificate");
    }
    out->push_back(std::move(cert));
  }
  return Status::Ok();
}

Status CertsFromPem(std::string_view fn, std::string_view text, std::vector<X509Ptr>* out) {
  std::string der;
  while (!text.empty()) {
    std::optional<PemBlock> block = DecodePem(text);
    if (!block) break;
    if (block->type != "CERTIFICATE") {
      return BuiltinError(fn, fmt::format("PEM block type is '{}', expected CERTIFICATE", block->type));
    }
    der += block->der;
    text = block->rest;
  }
  return ParseDerCertificates(fn, der, out);
}

// OPA's getX509CertsFromString: PEM, or base64 of PEM or of DER.
Status CertsFromString(std::string_view fn, std::string_view text, std::vector<X509Ptr>* out) {
  if (text.starts_with("-----BEGIN")) return CertsFromPem(fn, text, out);
  std::string raw, err;
  if (!GoBase64Decode(text, false, &raw, &err)) return BuiltinError(fn, err);
  if (raw.starts_with("-----BEGIN")) return CertsFromPem(fn, raw, out);
  return ParseDerCertificates(fn, raw, out);
}

Value CertificatesValue(const std::vector<X509Ptr>& certs) {
  ValueVector items;
  for (const X509Ptr& c : certs) items.push_back(CertificateValue(c.get()));
  return Value::Array(std::move(items));
}

Status ParseCertificates(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "crypto.x509.parse_certificates";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::vector<X509Ptr> certs;
  GOV_RETURN_IF_ERROR(CertsFromString(kFn, a[0].str(), &certs));
  *out = CertificatesValue(certs);
  return Status::Ok();
}

// The chain is root first, leaf last; the root is the only trust anchor.
bool VerifyChain(const std::vector<X509Ptr>& certs, int64_t now_ns) {
  if (certs.size() < 2) return false;
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, certs.front().get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (size_t i = 1; i + 1 < certs.size(); ++i) sk_X509_push(untrusted, certs[i].get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  bool ok = false;
  if (X509_STORE_CTX_init(ctx, store, certs.back().get(), untrusted) == 1) {
    X509_STORE_CTX_set_time(ctx, 0, static_cast<time_t>(now_ns / 1'000'000'000));
    ok = X509_verify_cert(ctx) == 1;
  }
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  X509_STORE_free(store);
  ERR_clear_error();
  return ok;
}

Status ParseAndVerifyCertificates(Ctx& ctx, Operands a, Value* out) {
  static constexpr std::string_view kFn = "crypto.x509.parse_and_verify_certificates";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  Value invalid = Value::Array({Value::False(), Value::Array({})});
  std::vector<X509Ptr> certs;
  if (!CertsFromString(kFn, a[0].str(), &certs).ok() || !VerifyChain(certs, ctx.now_ns)) {
    *out = invalid;
    return Status::Ok();
  }
  *out = Value::Array({Value::True(), CertificatesValue(certs)});
  return Status::Ok();
}

Status ParseCertificateRequest(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "crypto.x509.parse_certificate_request";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::string bytes = a[0].str();
  if (!bytes.starts_with("-----BEGIN CERTIFICATE REQUEST-----")) {
    std::string raw, err;
    if (!GoBase64Decode(bytes, false, &raw, &err)) return BuiltinError(kFn, err);
    bytes = std::move(raw);
  }
  if (std::optional<PemBlock> block = DecodePem(bytes)) {
    if (block->type != "CERTIFICATE REQUEST") {
      return BuiltinError(kFn, "invalid PEM-encoded certificate signing request");
    }
    bytes = block->der;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509_REQ* req = d2i_X509_REQ(nullptr, &p, static_cast<long>(bytes.size()));
  if (!req) {
    ERR_clear_error();
    return BuiltinError(kFn, "asn1: structure error: malformed certificate request");
  }
  std::vector<std::pair<std::string, Value>> f;
  f.emplace_back("Raw", Bytes(I2d(req, i2d_X509_REQ)));
  f.emplace_back("Version", Value::Int(X509_REQ_get_version(req)));
  const ASN1_BIT_STRING* sig = nullptr;
  X509_REQ_get0_signature(req, &sig, nullptr);
  f.emplace_back("Signature", Bytes(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)),
                                                     static_cast<size_t>(ASN1_STRING_length(sig)))));
  f.emplace_back("SignatureAlgorithm", Value::Int(SignatureAlgorithm(X509_REQ_get_signature_nid(req))));
  EVP_PKEY* key = X509_REQ_get0_pubkey(req);
  f.emplace_back("PublicKeyAlgorithm", Value::Int(PublicKeyAlgorithm(key)));
  f.emplace_back("PublicKey", PublicKeyValue(key));
  f.emplace_back("Subject", NameValue(X509_REQ_get_subject_name(req)));
  GeneralNames names;
  if (STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req)) {
    auto* sans = static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, nullptr, nullptr));
    names = SubjectAltNames(sans);
    GENERAL_NAMES_free(sans);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  f.emplace_back("DNSNames", StringsOrNull(names.dns));
  f.emplace_back("EmailAddresses", StringsOrNull(names.email));
  f.emplace_back("IPAddresses", StringsOrNull(names.ip));
  X509_REQ_free(req);
  ERR_clear_error();
  *out = Obj(std::move(f));
  return Status::Ok();
}

// A PEM text, or base64 of one (OPA accepts both).
Status PemText(std::string_view fn, const std::string& text, std::string* out) {
  if (text.starts_with("-----BEGIN")) {
    *out = text;
    return Status::Ok();
  }
  std::string err;
  if (!GoBase64Decode(text, false, out, &err)) return BuiltinError(fn, err);
  return Status::Ok();
}

// A private key from a PEM block: PKCS #1 RSA, SEC 1 EC or PKCS #8.
PkeyPtr PrivateKeyFromBlock(const PemBlock& block) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(block.der.data());
  long len = static_cast<long>(block.der.size());
  EVP_PKEY* key = nullptr;
  if (block.type == "RSA PRIVATE KEY") {
    key = d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &p, len);
  } else if (block.type == "EC PRIVATE KEY") {
    key = d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, len);
  } else if (block.type == "PRIVATE KEY") {
    key = d2i_AutoPrivateKey(nullptr, &p, len);
  }
  ERR_clear_error();
  return PkeyPtr(key);
}

Status ParseKeypair(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "crypto.x509.parse_keypair";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  if (!a[1].is_string()) return OperandTypeError(kFn, 2, "string", a[1]);
  std::string cert_text, key_text;
  GOV_RETURN_IF_ERROR(PemText(kFn, a[0].str(), &cert_text));
  GOV_RETURN_IF_ERROR(PemText(kFn, a[1].str(), &key_text));
  std::vector<X509Ptr> certs;
  if (!cert_text.starts_with("-----BEGIN")) {
    GOV_RETURN_IF_ERROR(ParseDerCertificates(kFn, cert_text, &certs));
  } else {
    GOV_RETURN_IF_ERROR(CertsFromPem(kFn, cert_text, &certs));
  }
  if (certs.empty()) return BuiltinError(kFn, "tls: failed to find any PEM data in certificate input");
  PkeyPtr key;
  for (std::string_view rest = key_text; !key;) {
    std::optional<PemBlock> block = DecodePem(rest);
    if (!block) return BuiltinError(kFn, "tls: failed to find any PEM data in key input");
    if (block->type == "PRIVATE KEY" || block->type.ends_with(" PRIVATE KEY")) {
      key = PrivateKeyFromBlock(*block);
      if (!key) return BuiltinError(kFn, "tls: failed to parse private key");
    }
    rest = block->rest;
  }
  if (X509_check_private_key(certs.front().get(), key.get()) != 1) {
    ERR_clear_error();
    return BuiltinError(kFn, "tls: private key does not match public key");
  }
  ValueVector ders;
  for (const X509Ptr& c : certs) ders.push_back(Bytes(I2d(c.get(), i2d_X509)));
  *out = Obj({{"Certificate", Value::Array(std::move(ders))},
              {"PrivateKey", PublicKeyValue(key.get())},
              {"OCSPStaple", Value::Null()},
              {"SignedCertificateTimestamps", Value::Null()},
              {"SupportedSignatureAlgorithms", Value::Null()},
              {"Leaf", CertificateValue(certs.front().get())}});
  return Status::Ok();
}

// The RSA key as a JWK, with base64url big-endian numbers.
Status ParseRsaPrivateKey(Ctx&, Operands a, Value* out) {
  static constexpr std::string_view kFn = "crypto.x509.parse_rsa_private_key";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::string pem;
  GOV_RETURN_IF_ERROR(PemText(kFn, a[0].str(), &pem));
  std::optional<PemBlock> block = DecodePem(pem);
  if (!block) return BuiltinError(kFn, "failed to parse PEM block containing the key");
  if (block->type != "RSA PRIVATE KEY" && block->type != "PRIVATE KEY") {
    return BuiltinError(
        kFn, fmt::format("PEM block type is '{}', expected RSA PRIVATE KEY or PRIVATE KEY", block->type));
  }
  PkeyPtr key = PrivateKeyFromBlock(*block);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return BuiltinError(kFn, "x509: failed to parse private key");
  }
  static const std::pair<const char*, const char*> kFields[] = {
      {"n", OSSL_PKEY_PARAM_RSA_N},          {"e", OSSL_PKEY_PARAM_RSA_E},
      {"d", OSSL_PKEY_PARAM_RSA_D},          {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},    {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
      {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
  std::vector<std::pair<std::string, Value>> f = {{"kty", Str("RSA")}};
  for (const auto& [name, param] : kFields) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key.get(), param, &bn) != 1) continue;
    BnPtr owned(bn);
    f.emplace_back(name, Str(Base64UrlEncode(BnBytes(bn))));
  }
  ERR_clear_error();
  *out = Obj(std::move(f));
  return Status::Ok();
}

}  // namespace

void RegisterX509Builtins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"crypto.x509.parse_certificates", 1, ParseCertificates},
                          {"crypto.x509.parse_and_verify_certificates", 1, ParseAndVerifyCertificates},
                          {"crypto.x509.parse_certificate_request", 1, ParseCertificateRequest},
                          {"crypto.x509.parse_keypair", 2, ParseKeypair},
                          {"crypto.x509.parse_rsa_private_key", 1, ParseRsaPrivateKey},
                      });
}

}  // namespace governance::rego
