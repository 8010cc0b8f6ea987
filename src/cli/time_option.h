// An RFC 3339 instant given on the command line (--since, --at), with the
// option named in the error.
#ifndef GOVERNANCE_SRC_CLI_TIME_OPTION_H_
#define GOVERNANCE_SRC_CLI_TIME_OPTION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"
#include "governance/status.h"

namespace governance::cli {

// Unix seconds of `text`; `when_empty` for an option not given.
// InvalidArgument "<option>: <why>" for anything else.
inline StatusOr<int64_t> ParseTimeOption(std::string_view option, const std::string& text,
                                         int64_t when_empty = 0) {
  if (text.empty()) return when_empty;
  auto t = ParseRfc3339(text);
  if (!t.ok()) return InvalidArgumentError(std::string(option) + ": " + t.status().message());
  return *t;
}

}  // namespace governance::cli

#endif  // GOVERNANCE_SRC_CLI_TIME_OPTION_H_
