#include "governance/dsse.h"

#include <nlohmann/json.hpp>

#include "core/document.h"
#include "core/dsse_json.h"
#include "core/encoding.h"

namespace governance {

std::string PreAuthEncoding(std::string_view payload_type, std::string_view payload) {
  std::string pae = "DSSEv1 ";
  pae += std::to_string(payload_type.size());
  pae += ' ';
  pae += payload_type;
  pae += ' ';
  pae += std::to_string(payload.size());
  pae += ' ';
  pae += payload;
  return pae;
}

void AddSignature(Envelope& env, const PrivateKey& key) {
  env.signatures.push_back({key.keyid(), key.Sign(PreAuthEncoding(env.payload_type, env.payload))});
}

bool VerifySignature(const Envelope& env, const EnvelopeSignature& signature,
                     const PublicKey& key) {
  return key.Verify(PreAuthEncoding(env.payload_type, env.payload), signature.sig);
}

std::string EnvelopeToJson(const Envelope& env) {
  nlohmann::json sigs = nlohmann::json::array();
  for (const auto& s : env.signatures) {
    sigs.push_back({{"keyid", s.keyid}, {"sig", Base64Encode(s.sig)}});
  }
  nlohmann::json j = {{"payloadType", env.payload_type},
                      {"payload", Base64Encode(env.payload)},
                      {"signatures", std::move(sigs)}};
  return j.dump(2);
}

StatusOr<Envelope> EnvelopeFromJsonValue(const nlohmann::json& j, std::string_view origin) {
  const std::string o(origin);
  if (!j.is_object()) return InvalidArgumentError(o + ": DSSE envelope must be a JSON object");
  auto string_field = [&](const nlohmann::json& obj, const char* name,
                          const std::string& where) -> StatusOr<std::string> {
    auto it = obj.find(name);
    if (it == obj.end()) return InvalidArgumentError(o + ": " + where + name + " is missing");
    if (!it->is_string()) {
      return InvalidArgumentError(o + ": " + where + name + " must be a string");
    }
    return it->get<std::string>();
  };
  Envelope env;
  GOV_ASSIGN_OR_RETURN(env.payload_type, string_field(j, "payloadType", "/"));
  GOV_ASSIGN_OR_RETURN(std::string payload_b64, string_field(j, "payload", "/"));
  auto payload = Base64Decode(payload_b64);
  if (!payload.ok()) return InvalidArgumentError(o + ": /payload is not valid base64");
  env.payload = std::move(*payload);
  auto sigs = j.find("signatures");
  if (sigs == j.end() || !sigs->is_array()) {
    return InvalidArgumentError(o + ": /signatures must be an array");
  }
  for (size_t i = 0; i < sigs->size(); ++i) {
    const std::string where = "/signatures/" + std::to_string(i) + "/";
    if (!(*sigs)[i].is_object()) {
      return InvalidArgumentError(o + ": " + where.substr(0, where.size() - 1) +
                                  " must be an object");
    }
    EnvelopeSignature s;
    GOV_ASSIGN_OR_RETURN(s.keyid, string_field((*sigs)[i], "keyid", where));
    GOV_ASSIGN_OR_RETURN(std::string sig_b64, string_field((*sigs)[i], "sig", where));
    auto sig = Base64Decode(sig_b64);
    if (!sig.ok() || sig->size() != 64) {
      return InvalidArgumentError(o + ": " + where + "sig is not a base64 Ed25519 signature");
    }
    s.sig = std::move(*sig);
    env.signatures.push_back(std::move(s));
  }
  return env;
}

StatusOr<Envelope> ParseEnvelope(std::string_view json, std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(json, origin));
  return EnvelopeFromJsonValue(j, origin);
}

}  // namespace governance
