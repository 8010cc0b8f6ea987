// The decision stack and release record of a release, as text for people.
#include <fmt/format.h>

#include "cli/command.h"

namespace governance::cli {
namespace {

void PrintField(std::ostream& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  // A multi-line prose field keeps its lines, indented under the value column.
  std::string indented;
  for (char c : value) {
    indented += c;
    if (c == '\n') indented += std::string(17, ' ');
  }
  out << fmt::format("  {:<14} {}\n", name, indented);
}

void PrintList(std::ostream& out, std::string_view name, const std::vector<std::string>& items) {
  for (size_t i = 0; i < items.size(); ++i) PrintField(out, i == 0 ? name : "", items[i]);
}

}  // namespace

void PrintDecisionStack(const DecisionStack& stack, std::ostream& out) {
  PrintField(out, "dataset", stack.dataset_version);
  PrintField(out, "code", stack.code_revision);
  PrintField(out, "evaluation", stack.evaluation_report_digest);
  for (const auto& [name, value] : stack.components) {
    out << fmt::format("  {:<14} {}\n", "component", name + "=" + value);
  }
}

void PrintReleaseNotes(const std::optional<ReleaseNotes>& notes, std::ostream& out) {
  out << "release record\n";
  if (!notes) {
    out << "  (none: trained without --release-notes)\n";
    return;
  }
  PrintField(out, "what changed", notes->what_changed);
  PrintField(out, "why", notes->why);
  PrintList(out, "data", notes->data);
  PrintList(out, "tested on", notes->channels_tested);
  PrintList(out, "benefits", notes->expected_benefits);
  PrintList(out, "risks", notes->known_risks);
  PrintField(out, "rollback when", notes->rollback_trigger);
  PrintList(out, "owners", notes->owners);
}

}  // namespace governance::cli
