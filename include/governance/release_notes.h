// A release record: what a person writes about a model version before it
// ships, signed into the TrainingOutput (`release_notes`), read by policy as
// `input.mgov.release_notes` and shown by `mgov approval show`, `mgov audit`
// and the compliance report.
//
//   # release.yaml (mgov train --release-notes release.yaml)
//   what_changed: Retrained on Q3 transactions; new merchant-category feature.
//   why: Recall on card-not-present fraud fell 4 points since June.
//   data: [transactions_2024q3@v7]
//   channels_tested: [web, android]
//   expected_benefits: [+3 points recall at the same precision]
//   known_risks: [Fewer labels for merchants onboarded after August]
//   rollback_trigger: precision below 0.90 over 24 h, or p95 latency above 80 ms
//   owners: [risk-ml@example.com]
//
// Every field is optional here; which ones an environment requires is
// policy's call (the default bundle requires owners and a rollback trigger
// for production). A field mgov does not know is refused, so that a
// misspelt `owner:` is an error rather than a silent gap.
#ifndef GOVERNANCE_RELEASE_NOTES_H_
#define GOVERNANCE_RELEASE_NOTES_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance {

struct ReleaseNotes {
  std::string what_changed;
  std::string why;
  std::vector<std::string> data;               // datasets and versions used
  std::vector<std::string> channels_tested;    // surfaces, regions, clients
  std::vector<std::string> expected_benefits;
  std::vector<std::string> known_risks;
  std::string rollback_trigger;                // when to roll back, before release
  std::vector<std::string> owners;             // who answers for it

  friend bool operator==(const ReleaseNotes&, const ReleaseNotes&) = default;
};

// Every field, empty ones included, so that policy and readers see one shape.
nlohmann::json ToJson(const ReleaseNotes& notes);

// Validates `j` (an object) field by field: strings are strings, lists are
// arrays of non-empty strings without duplicates, no control characters
// except newlines and tabs in the two prose fields, and no unknown field.
// InvalidArgument names `origin` and the JSON path (`pointer` is the path
// of `j` itself, "" at the top).
StatusOr<ReleaseNotes> ReleaseNotesFromJson(const nlohmann::json& j, std::string_view origin,
                                            std::string_view pointer = "");

// Reads a release record from a YAML or JSON file, with the limits every
// document mgov reads has (depth, duplicate keys, numbers in range), then ReleaseNotesFromJson.
StatusOr<ReleaseNotes> LoadReleaseNotes(const std::string& path);

}  // namespace governance

#endif  // GOVERNANCE_RELEASE_NOTES_H_
