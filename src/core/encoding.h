// Hex and base64 (RFC 4648, standard alphabet, padded) encodings.
#ifndef GOVERNANCE_SRC_CORE_ENCODING_H_
#define GOVERNANCE_SRC_CORE_ENCODING_H_

#include <string>
#include <string_view>

#include "governance/status.h"

namespace governance {

// Lowercase hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// Appends the lowercase hex of `bytes` to *out.
void AppendHex(std::string_view bytes, std::string* out);
// Decodes hex (either case). InvalidArgument on odd length or a non-hex digit.
StatusOr<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
// Decodes standard padded base64; InvalidArgument on anything else.
StatusOr<std::string> Base64Decode(std::string_view text);
// The same, in constant time (libsodium), for text that holds a secret (a
// private key's PEM).
StatusOr<std::string> Base64DecodeSecret(std::string_view text);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_ENCODING_H_
