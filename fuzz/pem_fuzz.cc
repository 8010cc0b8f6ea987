// libFuzzer target for key files (core/pem.cc, core/keys.cc): PEM armour,
// Ed25519 SubjectPublicKeyInfo public keys (`--admin NAME=PUB`, `key add`,
// keys inside roots and changes), PKCS#8 private keys and passphrase
// protected ones (`--key FILE`).
//
// What is checked besides "no crash": a key it accepts writes back to a PEM
// that reads as the same key, a private key signs what its public key
// verifies, every refusal is InvalidArgument naming the file, and the two
// base64 decoders (ours for public data, libsodium's constant-time one for
// secrets) accept exactly the same texts with the same bytes.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/pem.h"
#include "fuzz_check.h"
#include "governance/keys.h"

namespace governance {
namespace {

using fuzz::NamesOrigin;

constexpr std::string_view kPassphrase = "fuzz";

void CheckRefusal(const Status& status) {
  GOV_FUZZ_CHECK(status.code() == StatusCode::kInvalidArgument);
  GOV_FUZZ_CHECK(NamesOrigin(status.message(), "key.pem"));
}

// True when decrypting the block costs little: Argon2id with the file's own
// work factors (up to 1 GiB and 4 passes are legitimate) would make each
// input seconds long, and the parser caps them before any work is done.
bool CheapToDecrypt(std::string_view text) {
  auto block = ParsePem(text, "key.pem");
  if (!block.ok() || block->label != "MGOV ENCRYPTED PRIVATE KEY") return true;
  constexpr std::string_view kMagic = "mgov-key-v1";
  if (block->der.size() < kMagic.size() + 16) return true;
  uint64_t ops = 0, mem = 0;
  std::memcpy(&ops, block->der.data() + kMagic.size(), 8);
  std::memcpy(&mem, block->der.data() + kMagic.size() + 8, 8);
  return ops <= 3 && mem <= (1u << 20);
}

void Base64Decoders(std::string_view text) {
  auto ours = Base64Decode(text);
  auto sodium = Base64DecodeSecret(text);
  GOV_FUZZ_CHECK(ours.ok() == sodium.ok());
  if (ours.ok()) {
    GOV_FUZZ_CHECK(*ours == *sodium);
    GOV_FUZZ_CHECK(Base64Encode(*ours) == text);
  }
}

void Pem(std::string_view text) {
  auto block = ParsePem(text, "key.pem");
  if (!block.ok()) {
    CheckRefusal(block.status());
    return;
  }
  const std::string armoured = EncodePem(block->label, block->der);
  auto again = ParsePem(armoured, "again.pem");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(again->label == block->label && again->der == block->der);
}

void Public(std::string_view text) {
  auto key = PublicKey::FromPem(text, "key.pem");
  auto enrolled = PublicKey::FromEnrolledPem(text, "key.pem");
  if (!key.ok()) {
    CheckRefusal(key.status());
    if (!enrolled.ok()) CheckRefusal(enrolled.status());
    return;
  }
  // FromEnrolledPem only skips the prime-order check FromPem made.
  GOV_FUZZ_CHECK(enrolled.ok() && *enrolled == *key && enrolled->keyid() == key->keyid());
  GOV_FUZZ_CHECK(key->raw().size() == 32);
  GOV_FUZZ_CHECK(key->SpkiDer().size() == 44);
  auto again = PublicKey::FromPem(key->ToPem(), "again.pem");
  GOV_FUZZ_CHECK(again.ok() && *again == *key && again->keyid() == key->keyid());
  // A signature of zeros (R of small order) never verifies, whatever the key.
  GOV_FUZZ_CHECK(!key->Verify("message", std::string(64, '\0')));
}

void Private(std::string_view text) {
  const bool cheap = CheapToDecrypt(text);
  auto key = cheap ? PrivateKey::FromPem(text, "key.pem", kPassphrase)
                   : PrivateKey::FromPem(text, "key.pem");
  if (!key.ok()) {
    CheckRefusal(key.status());
    return;
  }
  GOV_FUZZ_CHECK(key->keyid() == key->public_key().keyid());
  const std::string message(text.substr(0, 64));
  const std::string sig = key->Sign(message);
  GOV_FUZZ_CHECK(sig.size() == 64);
  GOV_FUZZ_CHECK(key->public_key().Verify(message, sig));
  // Checked again by libsodium: Sign() primes the verification cache.
  const std::string raw = key->public_key().raw();
  GOV_FUZZ_CHECK(crypto_sign_verify_detached(
                     reinterpret_cast<const unsigned char*>(sig.data()),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<const unsigned char*>(raw.data())) == 0);
  auto pem = key->ToPem();
  GOV_FUZZ_CHECK(pem.ok());
  auto again = PrivateKey::FromPem(*pem, "again.pem");
  GOV_FUZZ_CHECK(again.ok() && again->keyid() == key->keyid());
  GOV_FUZZ_CHECK(again->Pkcs8Der() == key->Pkcs8Der());
  auto from_public = PublicKey::FromPem(key->public_key().ToPem(), "pub.pem");
  GOV_FUZZ_CHECK(from_public.ok() && *from_public == key->public_key());
}

}  // namespace
}  // namespace governance

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  governance::Pem(text);
  governance::Public(text);
  governance::Private(text);
  if (size <= 4096) governance::Base64Decoders(text);
  return 0;
}
