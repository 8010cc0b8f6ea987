#ifndef GOVERNANCE_SRC_CORE_RANDOM_ID_H_
#define GOVERNANCE_SRC_CORE_RANDOM_ID_H_

#include <string>
#include <string_view>

namespace governance {

// `prefix` followed by 24 random lowercase hex digits (96 bits).
std::string RandomId(std::string_view prefix);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_RANDOM_ID_H_
