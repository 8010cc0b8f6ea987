#include "governance/keys.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "core/encoding.h"
#include "core/file.h"
#include "core/pem.h"
#include "core/sha256.h"
#include "core/verification_cache.h"
#include "core/sodium.h"

namespace governance {
namespace {

constexpr std::string_view kSpkiPrefix("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
constexpr std::string_view kPkcs8Prefix(
    "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16);
constexpr std::string_view kEncryptedLabel = "MGOV ENCRYPTED PRIVATE KEY";
constexpr std::string_view kEncryptedMagic = "mgov-key-v1";

std::string_view AsView(const unsigned char* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

// Derives a secretbox key from a passphrase with Argon2id.
Status DeriveKey(std::string_view passphrase, const unsigned char* salt,
                 unsigned long long opslimit, size_t memlimit,
                 unsigned char key[crypto_secretbox_KEYBYTES]) {
  if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(), salt,
                    opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return InternalError("Argon2id key derivation ran out of memory");
  }
  return Status();
}

}  // namespace

StatusOr<PublicKey> PublicKey::FromRaw(std::string_view raw) {
  EnsureSodium();
  if (raw.size() != crypto_sign_PUBLICKEYBYTES) {
    return InvalidArgumentError("Ed25519 public key must be 32 bytes, got " +
                                std::to_string(raw.size()));
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  // The subgroup check is a scalar multiplication; keys of a governance
  // chain are parsed on every action, so each is checked once per process.
  const std::string fact = ValidPointFact(raw);
  if (!CheckedBefore(fact)) {
    if (crypto_core_ed25519_is_valid_point(bytes) != 1) {
      return InvalidArgumentError(
          "weak Ed25519 public key refused: not a valid point of prime order (small-order or "
          "non-canonical keys accept forged signatures)");
    }
    RememberChecked(fact);
  }
  PublicKey key;
  std::memcpy(key.key_.data(), bytes, key.key_.size());
  key.keyid_ = Sha256Hex(key.SpkiDer());
  return key;
}

namespace {

// The 32 raw key bytes of an Ed25519 SPKI "PUBLIC KEY" PEM block.
StatusOr<std::string> RawFromPem(std::string_view pem, std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(PemBlock block, ParsePem(pem, origin));
  if (block.label != "PUBLIC KEY") {
    return InvalidArgumentError(std::string(origin) + ": expected a PUBLIC KEY PEM block, got \"" +
                                block.label + "\"");
  }
  if (block.der.size() != kSpkiPrefix.size() + 32 ||
      block.der.compare(0, kSpkiPrefix.size(), kSpkiPrefix) != 0) {
    return InvalidArgumentError(std::string(origin) +
                                ": not an Ed25519 public key (wrong key type or encoding)");
  }
  return block.der.substr(kSpkiPrefix.size());
}

}  // namespace

StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem, std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(std::string raw, RawFromPem(pem, origin));
  auto key = FromRaw(raw);
  if (!key.ok()) return key.status().WithContext(origin);
  return key;
}

StatusOr<PublicKey> PublicKey::FromEnrolledPem(std::string_view pem, std::string_view origin) {
  EnsureSodium();
  GOV_ASSIGN_OR_RETURN(std::string raw, RawFromPem(pem, origin));
  PublicKey key;
  std::memcpy(key.key_.data(), raw.data(), key.key_.size());
  key.keyid_ = Sha256Hex(key.SpkiDer());
  return key;
}

std::string PublicKey::raw() const { return std::string(AsView(key_.data(), key_.size())); }

std::string PublicKey::SpkiDer() const { return std::string(kSpkiPrefix) + raw(); }

std::string PublicKey::ToPem() const { return EncodePem("PUBLIC KEY", SpkiDer()); }

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  EnsureSodium();
  if (signature.size() != crypto_sign_BYTES) return false;
  const std::string fact = SignatureFact(AsView(key_.data(), key_.size()), message, signature);
  if (CheckedBefore(fact)) return true;
  const bool ok =
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                  reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(), key_.data()) == 0;
  if (ok) RememberChecked(fact);
  return ok;
}

StatusOr<PrivateKey> PrivateKey::FromSeed(std::string_view seed) {
  EnsureSodium();
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return InvalidArgumentError("Ed25519 seed must be 32 bytes, got " +
                                std::to_string(seed.size()));
  }
  PrivateKey key;
  std::memcpy(key.seed_.data(), seed.data(), 32);
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_seed_keypair(pk, key.secret_.data(), key.seed_.data());
  GOV_ASSIGN_OR_RETURN(key.public_, PublicKey::FromRaw(AsView(pk, sizeof pk)));
  return key;
}

StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem, std::string_view origin,
                                         std::optional<std::string_view> passphrase) {
  EnsureSodium();
  GOV_ASSIGN_OR_RETURN(PemBlock block, ParsePem(pem, origin));
  const std::string o(origin);
  if (block.label == kEncryptedLabel) {
    if (!passphrase) {
      return InvalidArgumentError(o + ": key is passphrase-protected; set $MGOV_KEY_PASSPHRASE");
    }
    // magic || opslimit(8, LE) || memlimit(8, LE) || salt || nonce || box
    const std::string& d = block.der;
    const size_t header = kEncryptedMagic.size() + 16 + crypto_pwhash_SALTBYTES +
                          crypto_secretbox_NONCEBYTES;
    if (d.size() != header + crypto_secretbox_MACBYTES + 32 ||
        d.compare(0, kEncryptedMagic.size(), kEncryptedMagic) != 0) {
      return InvalidArgumentError(o + ": corrupt encrypted private key");
    }
    uint64_t ops = 0, mem = 0;
    std::memcpy(&ops, d.data() + kEncryptedMagic.size(), 8);
    std::memcpy(&mem, d.data() + kEncryptedMagic.size() + 8, 8);
    if (ops > crypto_pwhash_OPSLIMIT_SENSITIVE || mem > crypto_pwhash_MEMLIMIT_SENSITIVE) {
      return InvalidArgumentError(o + ": encrypted private key asks for excessive work factors");
    }
    // Below libsodium's minimums crypto_pwhash fails, which would read as
    // running out of memory; no key mgov writes has them, so the file is bad.
    if (ops < crypto_pwhash_OPSLIMIT_MIN || mem < crypto_pwhash_MEMLIMIT_MIN) {
      return InvalidArgumentError(o + ": corrupt encrypted private key (work factors below "
                                      "Argon2id's minimum)");
    }
    const auto* salt = reinterpret_cast<const unsigned char*>(d.data()) +
                       kEncryptedMagic.size() + 16;
    const auto* nonce = salt + crypto_pwhash_SALTBYTES;
    const auto* box = nonce + crypto_secretbox_NONCEBYTES;
    unsigned char k[crypto_secretbox_KEYBYTES];
    GOV_RETURN_IF_ERROR(DeriveKey(*passphrase, salt, ops, mem, k));
    unsigned char seed[32];
    int rc = crypto_secretbox_open_easy(seed, box, crypto_secretbox_MACBYTES + 32, nonce, k);
    sodium_memzero(k, sizeof k);
    if (rc != 0) return InvalidArgumentError(o + ": wrong passphrase for private key");
    auto key = FromSeed(AsView(seed, 32));
    sodium_memzero(seed, sizeof seed);
    return key;
  }
  if (block.label != "PRIVATE KEY") {
    return InvalidArgumentError(o + ": expected a PRIVATE KEY PEM block, got \"" + block.label +
                                "\"");
  }
  if (block.der.size() != kPkcs8Prefix.size() + 32 ||
      block.der.compare(0, kPkcs8Prefix.size(), kPkcs8Prefix) != 0) {
    return InvalidArgumentError(o + ": not an Ed25519 PKCS#8 v1 private key (wrong key type)");
  }
  auto key = FromSeed(std::string_view(block.der).substr(kPkcs8Prefix.size()));
  sodium_memzero(block.der.data(), block.der.size());
  return key;
}

std::string PrivateKey::Pkcs8Der() const {
  return std::string(kPkcs8Prefix) + std::string(AsView(seed_.data(), seed_.size()));
}

StatusOr<std::string> PrivateKey::ToPem(std::optional<std::string_view> passphrase) const {
  if (!passphrase) return EncodePem("PRIVATE KEY", Pkcs8Der());
  EnsureSodium();
  uint64_t ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  uint64_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  unsigned char salt[crypto_pwhash_SALTBYTES];
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  unsigned char k[crypto_secretbox_KEYBYTES];
  GOV_RETURN_IF_ERROR(DeriveKey(*passphrase, salt, ops, mem, k));
  unsigned char box[crypto_secretbox_MACBYTES + 32];
  crypto_secretbox_easy(box, seed_.data(), 32, nonce, k);
  sodium_memzero(k, sizeof k);
  std::string der(kEncryptedMagic);
  der.append(reinterpret_cast<const char*>(&ops), 8);
  der.append(reinterpret_cast<const char*>(&mem), 8);
  der.append(AsView(salt, sizeof salt));
  der.append(AsView(nonce, sizeof nonce));
  der.append(AsView(box, sizeof box));
  return EncodePem(kEncryptedLabel, der);
}

std::string PrivateKey::Sign(std::string_view message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  std::string out(AsView(sig, sizeof sig));
  // What this process signs verifies by construction; a service that seals a
  // snapshot and checks it on the next request need not verify it again.
  RememberChecked(SignatureFact(public_.raw(), message, out));
  return out;
}

StatusOr<PrivateKey> GeneratePrivateKey() {
  EnsureSodium();
  unsigned char seed[32];
  randombytes_buf(seed, sizeof seed);
  auto key = PrivateKey::FromSeed(AsView(seed, sizeof seed));
  sodium_memzero(seed, sizeof seed);
  return key;
}

Status SavePrivateKey(const PrivateKey& key, const std::string& path,
                      std::optional<std::string_view> passphrase) {
  GOV_ASSIGN_OR_RETURN(std::string pem, key.ToPem(passphrase));
  return WriteFileAtomic(path, pem, 0600);
}

Status SavePublicKey(const PublicKey& key, const std::string& path) {
  return WriteFileAtomic(path, key.ToPem(), 0644);
}

StatusOr<PrivateKey> LoadPrivateKey(const std::string& path,
                                    std::optional<std::string_view> passphrase) {
  GOV_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  if (!passphrase) {
    if (const char* env = std::getenv("MGOV_KEY_PASSPHRASE"); env != nullptr && *env != '\0') {
      passphrase = env;
    }
  }
  return PrivateKey::FromPem(pem, path, passphrase);
}

StatusOr<PublicKey> LoadPublicKey(const std::string& path) {
  GOV_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  return PublicKey::FromPem(pem, path);
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kTrainer: return "trainer";
    case Role::kApprover: return "approver";
    case Role::kDeployer: return "deployer";
    case Role::kAuditor: return "auditor";
  }
  return "unknown";
}

StatusOr<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kTrainer, Role::kApprover, Role::kDeployer, Role::kAuditor}) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgumentError("unknown role \"" + std::string(name) +
                              "\" (want trainer, approver, deployer or auditor)");
}

StatusOr<std::vector<Role>> ParseRoles(std::string_view text) {
  std::vector<Role> roles;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    GOV_ASSIGN_OR_RETURN(Role r, ParseRole(text.substr(pos, comma - pos)));
    bool seen = false;
    for (Role existing : roles) seen = seen || existing == r;
    if (!seen) roles.push_back(r);
    pos = comma + 1;
  }
  return roles;
}

bool KeyRecord::HasRole(Role role) const {
  for (Role r : roles) {
    if (r == role) return true;
  }
  return false;
}

}  // namespace governance
