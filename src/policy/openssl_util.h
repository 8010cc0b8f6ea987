// Helpers shared by the crypto, x509 and JWT builtins: OpenSSL handles that
// free themselves, digests, and the base64 / PEM decoding of Go's standard
// library, whose error texts OPA's messages carry.
#ifndef GOVERNANCE_SRC_POLICY_OPENSSL_UTIL_H_
#define GOVERNANCE_SRC_POLICY_OPENSSL_UTIL_H_

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace governance::rego {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// Go's base64 decoding (encoding/base64, padded). `url` picks the URL-safe
// alphabet. On failure returns false and sets *err to Go's text, such as
// "illegal base64 data at input byte 4"; like Go, '\r' and '\n' are skipped.
bool GoBase64Decode(std::string_view text, bool url, std::string* out, std::string* err);

// OPA's base64url.decode: missing padding is restored first (RFC 7515
// appendix C); a length of 1 mod 4 is "illegal base64url string: <text>".
bool Base64UrlDecodeLenient(std::string_view text, std::string* out, std::string* err);

// Go's base64 encoding: the standard or URL-safe (`url`) alphabet, with or
// without `=` padding.
std::string GoBase64Encode(std::string_view bytes, bool url, bool pad);

// Unpadded base64url (RFC 7515 §2).
std::string Base64UrlEncode(std::string_view bytes);

// One PEM block as Go's encoding/pem.Decode finds it: the first well-formed
// block in `text`, and what follows it (line ending after the END line
// consumed). Nullopt when there is none.
struct PemBlock {
  std::string type;
  std::string der;
  std::string_view rest;
};
std::optional<PemBlock> DecodePem(std::string_view text);

// Message digest of `data`; `md` is e.g. EVP_sha256().
std::string Digest(const EVP_MD* md, std::string_view data);
// HMAC of `data` under `key`.
std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data);

// Big-endian unsigned bytes of `bn`, left-padded with zeros to `width`
// bytes when it is shorter (0: no padding).
std::string BnBytes(const BIGNUM* bn, size_t width = 0);

// The most recent OpenSSL error's text, clearing the queue.
std::string OpenSslError();

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_OPENSSL_UTIL_H_
