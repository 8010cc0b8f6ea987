// What the fuzz targets share. libFuzzer reports crashes, sanitizer errors,
// leaks and timeouts only: an invariant of the code under test that does not
// hold (a round trip that changes the value, an error without its origin)
// must therefore become a crash, with a line saying which one it was.
#ifndef GOVERNANCE_FUZZ_FUZZ_CHECK_H_
#define GOVERNANCE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#define GOV_FUZZ_CHECK(condition)                                                    \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__,    \
                   #condition);                                                      \
      __builtin_trap();                                                              \
    }                                                                                \
  } while (0)

namespace governance::fuzz {

// Every error the parsers return must name where the input came from, so
// that a user can tell which of several files was refused.
inline bool NamesOrigin(std::string_view message, std::string_view origin) {
  return message.find(origin) != std::string_view::npos;
}

// A document's "_type" ("" when it has none): the statement and governance
// targets send each document to the reader of its type.
inline std::string TypeOf(const nlohmann::json& doc) {
  return doc.is_object() && doc.contains("_type") && doc["_type"].is_string()
             ? doc["_type"].get<std::string>()
             : "";
}

}  // namespace governance::fuzz

#endif  // GOVERNANCE_FUZZ_FUZZ_CHECK_H_
