// Ed25519 keys: generation, PEM files that OpenSSL reads, key ids, signing.
//
//   StatusOr<PrivateKey> key = GeneratePrivateKey();
//   GOV_RETURN_IF_ERROR(SavePrivateKey(*key, "alice.key"));           // 0600
//   GOV_RETURN_IF_ERROR(SavePublicKey(key->public_key(), "alice.pub"));
//   std::string sig = key->Sign(message);
//   bool ok = key->public_key().Verify(message, sig);
//
// On disk, keys are PEM: public keys as SubjectPublicKeyInfo ("PUBLIC KEY"),
// private keys as PKCS#8 v1 ("PRIVATE KEY"), so that
//   openssl pkeyutl -verify -pubin -inkey alice.pub -rawin -in msg -sigfile sig
// verifies mgov's signatures. A private key file may instead be protected by a
// passphrase ("MGOV ENCRYPTED PRIVATE KEY": Argon2id + XSalsa20-Poly1305).
//
// The key id is the lowercase hex SHA-256 of the public key's SPKI DER.
//
// Thread-safety: keys are immutable values, safe to share between threads.
#ifndef GOVERNANCE_KEYS_H_
#define GOVERNANCE_KEYS_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"

namespace governance {

class PublicKey {
 public:
  // Accepts a 32-byte Ed25519 public key. InvalidArgument when `raw` has the
  // wrong size, is not a point on the curve, or is of small order (such keys
  // let signatures verify for many messages).
  static StatusOr<PublicKey> FromRaw(std::string_view raw);
  // Parses a "PUBLIC KEY" PEM block holding an Ed25519 SPKI. `origin` names
  // the source in errors.
  static StatusOr<PublicKey> FromPem(std::string_view pem, std::string_view origin);
  // The same for a key that a signed governance document names (the root,
  // an enrolment): the signatures that vouch for it are checked where it is
  // used, and the key passed FromPem's prime-order check (a scalar
  // multiplication) when it was enrolled, so it is not repeated here.
  // libsodium still refuses small-order keys in every verification.
  static StatusOr<PublicKey> FromEnrolledPem(std::string_view pem, std::string_view origin);

  // The 32 raw bytes.
  std::string raw() const;
  // DER SubjectPublicKeyInfo: 302a300506032b6570032100 || raw.
  std::string SpkiDer() const;
  std::string ToPem() const;
  // Lowercase hex SHA-256 of SpkiDer().
  const std::string& keyid() const { return keyid_; }

  // True when `signature` (64 bytes) is a valid Ed25519 signature of
  // `message`. Verified triples are remembered for the life of the process
  // (by SHA-256), so checking the same governance chain again costs a hash.
  bool Verify(std::string_view message, std::string_view signature) const;

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.key_ == b.key_; }

 private:
  friend class PrivateKey;
  PublicKey() = default;
  std::array<unsigned char, 32> key_{};
  std::string keyid_;
};

class PrivateKey {
 public:
  // Builds the key pair determined by a 32-byte seed (RFC 8032 private key).
  static StatusOr<PrivateKey> FromSeed(std::string_view seed);
  // Parses a "PRIVATE KEY" (PKCS#8 v1) PEM block, or an "MGOV ENCRYPTED
  // PRIVATE KEY" block when `passphrase` is given. A public key PEM, an RSA or
  // EC key, or a wrong passphrase is InvalidArgument naming `origin`.
  static StatusOr<PrivateKey> FromPem(std::string_view pem, std::string_view origin,
                                      std::optional<std::string_view> passphrase = {});

  const PublicKey& public_key() const { return public_; }
  const std::string& keyid() const { return public_.keyid(); }
  // PKCS#8 v1 DER: 302e020100300506032b657004220420 || seed.
  std::string Pkcs8Der() const;
  // PEM of the key; encrypted with `passphrase` when given.
  StatusOr<std::string> ToPem(std::optional<std::string_view> passphrase = {}) const;

  // The deterministic 64-byte Ed25519 signature of `message`.
  std::string Sign(std::string_view message) const;

 private:
  PrivateKey() = default;
  std::array<unsigned char, 32> seed_{};
  std::array<unsigned char, 64> secret_{};  // libsodium's seed || public key
  PublicKey public_;
};

// A fresh key from the OS random source.
StatusOr<PrivateKey> GeneratePrivateKey();

// Files. Private keys are written with mode 0600, public keys 0644.
Status SavePrivateKey(const PrivateKey& key, const std::string& path,
                      std::optional<std::string_view> passphrase = {});
Status SavePublicKey(const PublicKey& key, const std::string& path);
// Loads a private key; when the file is encrypted and no passphrase is given,
// the passphrase is read from $MGOV_KEY_PASSPHRASE.
StatusOr<PrivateKey> LoadPrivateKey(const std::string& path,
                                    std::optional<std::string_view> passphrase = {});
StatusOr<PublicKey> LoadPublicKey(const std::string& path);

// What an enrolled key may do. A key holds one or more roles.
enum class Role { kTrainer, kApprover, kDeployer, kAuditor };

std::string_view RoleName(Role role);
// "trainer", "approver", "deployer", "auditor"; InvalidArgument otherwise.
StatusOr<Role> ParseRole(std::string_view name);
// "approver,deployer" → {kApprover, kDeployer}; rejects empty and unknown names.
StatusOr<std::vector<Role>> ParseRoles(std::string_view comma_separated);

// The one spelling of an identity: ASCII letters folded to lower case, then
// only a-z, 0-9 and . _ - @ + (first a letter or digit), at most 128
// characters. "Alice" becomes "alice"; "alice " (whitespace), a Cyrillic
// "аlice", "../x" and anything with a control character are InvalidArgument,
// naming the first offending character. Every identity that enters mgov (key
// enrolment, admins, exception approvers) passes through here, so look-alikes
// never count as two people and identities are safe in file names and lines.
StatusOr<std::string> CanonicalIdentity(std::string_view identity);

// An enrolled key: who holds it and what it may do.
struct KeyRecord {
  std::string keyid;
  std::string identity;             // a person or service, e.g. "alice@example.com"
  std::vector<Role> roles;
  std::string public_key_pem;
  int64_t enrolled_at = 0;          // Unix seconds
  bool revoked = false;
  int64_t revoked_at = 0;           // Unix seconds, when revoked
  std::string revocation_reason;

  bool HasRole(Role role) const;
};

}  // namespace governance

#endif  // GOVERNANCE_KEYS_H_
