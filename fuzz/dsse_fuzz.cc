// libFuzzer target for the DSSE envelope reader (core/dsse.cc): every
// approval, training output, root, change and bundle part arrives in one.
// An envelope it accepts has 64-byte signatures, serialises back to the same
// envelope, and its signatures verify exactly when libsodium says they do:
// the process-wide cache of verified signatures must never let one through
// that a fresh check refuses.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "fuzz_check.h"
#include "governance/dsse.h"
#include "governance/keys.h"

namespace {

// The RFC 8032 section 7.1 TEST 1 key, which signed the DSSE vectors in the
// seed corpus (../shared/testdata/dsse), so that seeds reach the branch
// where a signature verifies.
const governance::PrivateKey& TestKey() {
  static const governance::PrivateKey* key = [] {
    auto seed = governance::HexDecode(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    auto k = governance::PrivateKey::FromSeed(*seed);
    GOV_FUZZ_CHECK(k.ok());
    return new governance::PrivateKey(*k);
  }();
  return *key;
}

bool SodiumVerifies(const governance::Envelope& env, const governance::EnvelopeSignature& sig,
                    const governance::PublicKey& key) {
  const std::string pae = governance::PreAuthEncoding(env.payload_type, env.payload);
  const std::string raw = key.raw();
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.sig.data()),
                                     reinterpret_cast<const unsigned char*>(pae.data()),
                                     pae.size(),
                                     reinterpret_cast<const unsigned char*>(raw.data())) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using governance::fuzz::NamesOrigin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto env = governance::ParseEnvelope(text, "fuzz.json");
  if (!env.ok()) {
    GOV_FUZZ_CHECK(env.status().code() == governance::StatusCode::kInvalidArgument);
    GOV_FUZZ_CHECK(NamesOrigin(env.status().message(), "fuzz.json"));
    return 0;
  }
  for (const auto& sig : env->signatures) GOV_FUZZ_CHECK(sig.sig.size() == 64);

  const std::string json = governance::EnvelopeToJson(*env);
  auto again = governance::ParseEnvelope(json, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(again->payload_type == env->payload_type);
  GOV_FUZZ_CHECK(again->payload == env->payload);
  GOV_FUZZ_CHECK(again->signatures == env->signatures);
  GOV_FUZZ_CHECK(governance::EnvelopeToJson(*again) == json);

  // The PAE is "DSSEv1 <len> <type> <len> <body>" with byte lengths.
  const std::string pae = governance::PreAuthEncoding(env->payload_type, env->payload);
  const std::string head = "DSSEv1 " + std::to_string(env->payload_type.size()) + " " +
                           env->payload_type + " " + std::to_string(env->payload.size()) + " ";
  GOV_FUZZ_CHECK(pae.size() == head.size() + env->payload.size());
  GOV_FUZZ_CHECK(pae.compare(0, head.size(), head) == 0);

  const governance::PublicKey& key = TestKey().public_key();
  for (const auto& sig : env->signatures) {
    const bool expected = SodiumVerifies(*env, sig, key);
    // Twice: the second answer comes from the cache when the first passed.
    GOV_FUZZ_CHECK(governance::VerifySignature(*env, sig, key) == expected);
    GOV_FUZZ_CHECK(governance::VerifySignature(*env, sig, key) == expected);
  }
  return 0;
}
