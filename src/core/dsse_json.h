// A DSSE envelope read from JSON already parsed (a bundle holds many).
#ifndef GOVERNANCE_SRC_CORE_DSSE_JSON_H_
#define GOVERNANCE_SRC_CORE_DSSE_JSON_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include "governance/dsse.h"

namespace governance {

// As ParseEnvelope, from the parsed value.
StatusOr<Envelope> EnvelopeFromJsonValue(const nlohmann::json& j, std::string_view origin);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_DSSE_JSON_H_
