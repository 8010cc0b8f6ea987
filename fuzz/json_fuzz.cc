// libFuzzer target for the JSON reader every signed document, bundle and
// configuration goes through (core/json_document.cc, nlohmann's SAX parser
// under a builder that refuses duplicate keys, nesting deeper than
// kMaxDocumentDepth and numbers beyond the double range).
//
// Checked against nlohmann::json::parse as the reference: in last-wins mode
// the builder must read exactly what the reference reads, except what it
// refuses by design, and a document it accepts must serialise to canonical
// JSON that reads back equal and is a fixed point.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/document.h"
#include "fuzz_check.h"

namespace {

// The reference reading, or nullopt when nlohmann refuses the text (it
// throws out_of_range, not parse_error, for a number such as 1e400).
std::optional<nlohmann::json> Reference(std::string_view text) {
  try {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true);
    return j;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// Whether the text holds an object with a key given twice, by re-reading it
// with duplicates refused; only meaningful when last-wins accepted it.
bool HasDuplicateKey(std::string_view text) {
  auto strict = governance::ParseJson(text, "strict.json");
  return !strict.ok() &&
         strict.status().message().find("duplicate key") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using governance::fuzz::NamesOrigin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto last_wins = governance::ParseJson(text, "fuzz.json", governance::DuplicateKeys::kLastWins);
  auto strict = governance::ParseJson(text, "fuzz.json");
  const std::optional<nlohmann::json> reference = Reference(text);

  if (strict.ok()) {
    // Refusing duplicates only ever refuses more.
    GOV_FUZZ_CHECK(last_wins.ok() && *last_wins == *strict);
  } else {
    GOV_FUZZ_CHECK(strict.status().code() == governance::StatusCode::kInvalidArgument);
    GOV_FUZZ_CHECK(NamesOrigin(strict.status().message(), "fuzz.json:"));
    GOV_FUZZ_CHECK(strict.status().message().find("invalid JSON") != std::string::npos);
  }

  if (last_wins.ok()) {
    // Nothing the reference refuses gets through, and it reads the same value.
    GOV_FUZZ_CHECK(reference.has_value());
    GOV_FUZZ_CHECK(*last_wins == *reference);
    const std::string canonical = governance::CanonicalJson(*last_wins);
    auto again = governance::ParseJson(canonical, "canonical.json");
    GOV_FUZZ_CHECK(again.ok());
    GOV_FUZZ_CHECK(*again == *last_wins);
    GOV_FUZZ_CHECK(governance::CanonicalJson(*again) == canonical);
    if (!strict.ok()) GOV_FUZZ_CHECK(HasDuplicateKey(text));
  } else if (reference.has_value() && size < 2 * governance::kMaxDocumentDepth) {
    // Too short to nest past the limit (every level costs two bytes), so the
    // only reason left to refuse what the reference reads would be a bug.
    GOV_FUZZ_CHECK(false);
  }
  return 0;
}
