#include "cli/command.h"

#include <ostream>

namespace governance::cli {

void Context::Finish(std::string_view command, const StatusOr<Outcome>& outcome) {
  if (!outcome.ok()) {
    *err << "mgov " << command << ": " << outcome.status().message() << "\n";
    exit_code = kExitError;
    return;
  }
  exit_code = *outcome == Outcome::kYes ? kExitYes : kExitNo;
}

}  // namespace governance::cli
