// libFuzzer target for the CSV reader and everything that reads its cells:
// parsing, column kind inference, number extraction, and a drift comparison
// of the input against itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "governance/drift.h"
#include "monitoring/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = governance::monitoring::ParseCsv(text, "fuzz.csv");
  if (!table.ok()) return 0;
  for (std::size_t c = 0; c < table->header.size(); ++c) {
    (void)governance::monitoring::InferColumnKind(*table, c);
    (void)governance::monitoring::NumericValues(*table, c);
    (void)governance::monitoring::CategoricalValues(*table, c);
  }
  if (size < 4096) {
    (void)governance::CheckDatasetDriftText(text, "a.csv", text, "b.csv");
  }
  return 0;
}
