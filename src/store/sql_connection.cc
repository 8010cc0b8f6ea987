#include "store/sql_connection.h"

#include <cstdlib>

namespace governance {

const std::string& SqlRow::Text(size_t i) const {
  static const std::string kEmpty;
  if (const auto* s = std::get_if<std::string>(&cells[i])) return *s;
  return kEmpty;
}

int64_t SqlRow::Int(size_t i) const {
  if (const auto* v = std::get_if<int64_t>(&cells[i])) return *v;
  if (const auto* s = std::get_if<std::string>(&cells[i])) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

}  // namespace governance
