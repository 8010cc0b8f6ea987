// libFuzzer target for the TrainingOutput reader (training/training_output.cc)
// as `mgov approve training.json` meets it: a DSSE envelope whose payload
// is the TrainingOutput (ParseTrainingOutputEnvelope), and the payload alone
// (TrainingOutputFromJson, what the governance plane and the gates re-read
// from the store). A TrainingOutput it accepts must serialise with ToJson to
// a document that reads back as the same one.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/document.h"
#include "fuzz_check.h"
#include "governance/coordinator.h"
#include "governance/types.h"

namespace governance {
namespace {

using fuzz::NamesOrigin;

void CheckRoundTrip(const TrainingOutput& out) {
  GOV_FUZZ_CHECK(IsArtifactDigest(out.artifact.digest));
  GOV_FUZZ_CHECK(out.metrics.is_object());
  GOV_FUZZ_CHECK(out.manifest.is_object());
  for (const auto& [name, value] : out.metrics.items()) GOV_FUZZ_CHECK(value.is_number());
  GOV_FUZZ_CHECK(CheckFiniteNumbers(out.metrics, "metrics").ok());

  const nlohmann::json written = ToJson(out);
  // Through text, as the training plane signs it and the approver reads it.
  auto reread = ParseJson(CanonicalJson(written), "again.json");
  GOV_FUZZ_CHECK(reread.ok());
  auto again = TrainingOutputFromJson(*reread, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(ToJson(*again) == written);
  GOV_FUZZ_CHECK(again->model_id == out.model_id && again->model_version == out.model_version);
  GOV_FUZZ_CHECK(again->artifact.digest == out.artifact.digest &&
                 again->artifact.is_directory == out.artifact.is_directory &&
                 again->artifact.total_bytes == out.artifact.total_bytes &&
                 again->artifact.files.size() == out.artifact.files.size());
  GOV_FUZZ_CHECK(again->created_at == out.created_at);
}

}  // namespace
}  // namespace governance

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace governance;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto signed_out = ParseTrainingOutputEnvelope(text, "training.json");
  if (signed_out.ok()) {
    GOV_FUZZ_CHECK(signed_out->envelope.payload_type == kTrainingOutputPayloadType);
    GOV_FUZZ_CHECK(signed_out->digest == Sha256DigestOf(signed_out->envelope.payload));
    CheckRoundTrip(signed_out->output);
  } else {
    GOV_FUZZ_CHECK(NamesOrigin(signed_out.status().message(), "training.json"));
  }

  auto doc = ParseJson(text, "payload.json");
  if (!doc.ok()) return 0;
  auto out = TrainingOutputFromJson(*doc, "payload.json");
  if (!out.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(out.status().message(), "payload.json"));
    return 0;
  }
  CheckRoundTrip(*out);
  return 0;
}
