// Text placed into XML or HTML: what JUnit reports and the compliance report
// write around text they did not choose (model ids, reasons, messages).
#ifndef GOVERNANCE_SRC_CORE_MARKUP_H_
#define GOVERNANCE_SRC_CORE_MARKUP_H_

#include <string>
#include <string_view>

namespace governance {

// `text` safe as element content and as a quoted attribute value: & < > " '
// and tab, newline, carriage return become character references; other
// control characters, which XML 1.0 allows in no form, are dropped.
std::string EscapeMarkup(std::string_view text);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_MARKUP_H_
