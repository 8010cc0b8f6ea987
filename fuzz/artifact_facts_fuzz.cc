// libFuzzer target for the reader of artifact facts (training/artifact_facts.cc,
// ArtifactFactsFromJson): the `artifact_facts` of a signed TrainingOutput,
// which the governance plane re-reads from the store and gives policy as
// input.mgov.artifact. Facts it accepts must be consistent (the summaries
// `complete` and `pickle` agree with what they summarise) and serialise with
// ToJson to a document that reads back as the same facts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/document.h"
#include "fuzz_check.h"
#include "governance/artifact_facts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace governance;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ParseJson(text, "facts.json");
  if (!doc.ok()) return 0;
  auto facts = ArtifactFactsFromJson(*doc, "facts.json", "/artifact_facts");
  if (!facts.ok()) {
    GOV_FUZZ_CHECK(fuzz::NamesOrigin(facts.status().message(), "facts.json"));
    return 0;
  }
  bool complete = facts->incomplete.empty();
  for (const FileFacts& f : facts->files) {
    complete = complete && f.incomplete.empty();
    GOV_FUZZ_CHECK(f.pickle == !f.pickles.empty());
  }
  GOV_FUZZ_CHECK(facts->complete == complete);
  for (size_t i = 1; i < facts->files.size(); ++i) {
    GOV_FUZZ_CHECK(facts->files[i - 1].path < facts->files[i].path);
  }

  const nlohmann::json written = ToJson(*facts);
  auto reread = ParseJson(CanonicalJson(written), "again.json");
  GOV_FUZZ_CHECK(reread.ok());
  auto again = ArtifactFactsFromJson(*reread, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(ToJson(*again) == written);
  return 0;
}
