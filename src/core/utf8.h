// Strict UTF-8: what file names and other text from outside must be before
// mgov records it in a signed JSON document.
#ifndef GOVERNANCE_SRC_CORE_UTF8_H_
#define GOVERNANCE_SRC_CORE_UTF8_H_

#include <optional>
#include <string>
#include <string_view>

namespace governance {

// The code points of `s`, or nullopt when it is not well-formed UTF-8
// (overlong forms, surrogates, code points past U+10FFFF and truncated
// sequences are all refused).
std::optional<std::u32string> DecodeUtf8(std::string_view s);

// True for Unicode's control characters (category Cc): U+0000–U+001F and
// U+007F–U+009F.
inline bool IsControlCharacter(char32_t c) { return c < 0x20 || (c >= 0x7f && c <= 0x9f); }

// `s` in double quotes for an error message, with control characters,
// quotes, backslashes and bytes that are not UTF-8 escaped (\n, \x01, …), so
// a hostile name can neither hide nor forge a line of output.
std::string QuotedForError(std::string_view s);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_UTF8_H_
