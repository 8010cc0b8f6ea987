// PEM armour (RFC 7468): base64 DER between BEGIN/END lines.
#ifndef GOVERNANCE_SRC_CORE_PEM_H_
#define GOVERNANCE_SRC_CORE_PEM_H_

#include <string>
#include <string_view>

#include "governance/status.h"

namespace governance {

struct PemBlock {
  std::string label;  // e.g. "PUBLIC KEY"
  std::string der;
};

// The first PEM block in `text`. InvalidArgument naming `origin` when there
// is none or its base64 is corrupt.
StatusOr<PemBlock> ParsePem(std::string_view text, std::string_view origin);

// Armours `der` under `label`, 64 characters a line.
std::string EncodePem(std::string_view label, std::string_view der);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_PEM_H_
