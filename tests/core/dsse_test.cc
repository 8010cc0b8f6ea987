#include "governance/dsse.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/file.h"
#include "core/sha256.h"

namespace governance {
namespace {

TEST_CASE("DSSE vectors are reproduced byte for byte") {
  const std::string dir = std::string(GOV_TESTDATA_DIR) + "/dsse/";
  auto vectors = nlohmann::json::parse(*ReadFile(dir + "ed25519_vectors.json"));
  auto key = PrivateKey::FromSeed(
      *HexDecode(vectors["key"]["rfc8032_test1_seed_hex"].get<std::string>()));
  REQUIRE(key.ok());
  for (const auto& v : vectors["vectors"]) {
    std::string payload = v.contains("payload_utf8") ? v["payload_utf8"].get<std::string>()
                                                     : *ReadFile(dir + v["payload_file"].get<std::string>());
    std::string type = v["payloadType"];
    std::string pae = PreAuthEncoding(type, payload);
    if (v.contains("pae_utf8")) CHECK(pae == v["pae_utf8"].get<std::string>());
    if (v.contains("pae_sha256")) {
      CHECK(pae.size() == v["pae_bytes"].get<size_t>());
      CHECK(Sha256Hex(pae) == v["pae_sha256"].get<std::string>());
    }
    Envelope env{type, payload, {}};
    AddSignature(env, *key);
    REQUIRE(env.signatures.size() == 1);
    CHECK(HexEncode(env.signatures[0].sig) == v["sig_hex"].get<std::string>());
    CHECK(Base64Encode(env.signatures[0].sig) == v["sig_b64"].get<std::string>());
    CHECK(VerifySignature(env, env.signatures[0], key->public_key()));
  }
}

TEST_CASE("envelope JSON round trip keeps payload bytes") {
  auto key = GeneratePrivateKey();
  Envelope env{std::string(kInTotoPayloadType), "{\"b\":1,  \"a\":2}", {}};
  AddSignature(env, *key);
  auto back = ParseEnvelope(EnvelopeToJson(env), "e.json");
  REQUIRE(back.ok());
  CHECK(back->payload == env.payload);
  CHECK(back->signatures == env.signatures);
  CHECK(VerifySignature(*back, back->signatures[0], key->public_key()));
  back->payload[1] = 'c';
  CHECK_FALSE(VerifySignature(*back, back->signatures[0], key->public_key()));
}

TEST_CASE("malformed envelopes name the field") {
  CHECK(ParseEnvelope("[]", "e.json").status().message() ==
        "e.json: DSSE envelope must be a JSON object");
  CHECK(ParseEnvelope(R"({"payload":"e30=","signatures":[]})", "e.json").status().message() ==
        "e.json: /payloadType is missing");
  CHECK(ParseEnvelope(R"({"payloadType":1,"payload":"e30=","signatures":[]})", "e.json")
            .status()
            .message() == "e.json: /payloadType must be a string");
  CHECK(ParseEnvelope(R"({"payloadType":"t","payload":"!!","signatures":[]})", "e.json")
            .status()
            .message() == "e.json: /payload is not valid base64");
  CHECK(ParseEnvelope(R"({"payloadType":"t","payload":"e30=","signatures":[{"keyid":"k","sig":"AA=="}]})",
                      "e.json")
            .status()
            .message() == "e.json: /signatures/0/sig is not a base64 Ed25519 signature");
  CHECK(ParseEnvelope(R"({"payloadType":"t","payload":"e30=","signatures":{}})", "e.json")
            .status()
            .message() == "e.json: /signatures must be an array");
}

}  // namespace
}  // namespace governance
