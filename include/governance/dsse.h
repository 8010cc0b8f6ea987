// DSSE (Dead Simple Signing Envelope) v1 with Ed25519 signatures.
//
// A signature covers the pre-authentication encoding (PAE) of the payload:
//   "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
// with LEN the byte length in ASCII decimal. mgov keeps the payload bytes
// exactly as received and never re-serialises them before verifying.
//
//   Envelope env{kInTotoPayloadType, statement_bytes, {}};
//   AddSignature(env, approver_key);           // appends {keyid, sig}
//   std::string json = EnvelopeToJson(env);    // payload and sigs base64
//   StatusOr<Envelope> back = ParseEnvelope(json, "approval.json");
#ifndef GOVERNANCE_DSSE_H_
#define GOVERNANCE_DSSE_H_

#include <string>
#include <string_view>
#include <vector>

#include "governance/keys.h"
#include "governance/status.h"

namespace governance {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";

struct EnvelopeSignature {
  std::string keyid;
  std::string sig;  // raw 64 bytes (base64 only in JSON)

  friend bool operator==(const EnvelopeSignature&, const EnvelopeSignature&) = default;
};

struct Envelope {
  std::string payload_type;
  std::string payload;  // raw bytes
  std::vector<EnvelopeSignature> signatures;
};

// The PAE bytes that every signature of `payload` signs.
std::string PreAuthEncoding(std::string_view payload_type, std::string_view payload);

// Signs PAE(env) with `key` and appends {keyid, sig} to env.signatures.
void AddSignature(Envelope& env, const PrivateKey& key);

// True when `signature` verifies over PAE(env) with `key`.
bool VerifySignature(const Envelope& env, const EnvelopeSignature& signature,
                     const PublicKey& key);

// {"payloadType": ..., "payload": base64, "signatures": [{"keyid", "sig"}]}
std::string EnvelopeToJson(const Envelope& env);
// Parses the JSON form. InvalidArgument naming `origin` and the field when the
// document is not an envelope (missing/mistyped field, bad base64, a
// signature that is not 64 bytes).
StatusOr<Envelope> ParseEnvelope(std::string_view json, std::string_view origin);

}  // namespace governance

#endif  // GOVERNANCE_DSSE_H_
