#include "monitoring/csv.h"

#include <doctest/doctest.h>

#include <cmath>

namespace governance::monitoring {
namespace {

TEST_CASE("RFC 4180 quoting, CRLF, BOM and blank lines") {
  auto t = ParseCsv(
      "\xEF\xBB\xBF"
      "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",\r\n3,,z",
      "t.csv");
  REQUIRE(t.ok());
  CHECK(t->header == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(t->rows.size() == 3);
  CHECK(t->rows[0] == std::vector<std::string>{"1", "x, y", "say \"hi\""});
  CHECK(t->rows[1] == std::vector<std::string>{"2", "two\nlines", ""});
  CHECK(t->rows[2] == std::vector<std::string>{"3", "", "z"});
  CHECK(t->lines == std::vector<std::size_t>{2, 4, 6});
}

TEST_CASE("malformed CSV names file and line") {
  CHECK(ParseCsv("", "e.csv").status() ==
        InvalidArgumentError("e.csv: empty file, expected a header row"));
  CHECK(ParseCsv("a,b\n1,2\n3\n", "f.csv").status() ==
        InvalidArgumentError("f.csv:3: expected 2 fields, found 1"));
  CHECK(ParseCsv("a,b\n1,\"open\n", "q.csv").status() ==
        InvalidArgumentError("q.csv:2: unterminated quoted field"));
  CHECK(ParseCsv("a,b\n1,\"x\"y\n", "q.csv").status() ==
        InvalidArgumentError(
            "q.csv:2: unexpected text after closing quote in field 2"));
  CHECK(ParseCsv("a,b\n1,x\"y\n", "q.csv").status() ==
        InvalidArgumentError("q.csv:2: quote inside unquoted field 2"));
  CHECK(ParseCsv("a,a\n", "d.csv").status() ==
        InvalidArgumentError("d.csv:1: duplicate column 'a'"));
  CHECK(ParseCsv("a,,c\n", "d.csv").status() ==
        InvalidArgumentError("d.csv:1: header field 2 is empty"));
}

TEST_CASE("unknown column lists the known ones") {
  auto t = ParseCsv("age,city\n1,x\n", "r.csv");
  REQUIRE(t.ok());
  CHECK(t->ColumnIndex("city").value() == 1);
  CHECK(t->ColumnIndex("income").status() ==
        InvalidArgumentError("r.csv: no column 'income' (columns: age, city)"));
}

TEST_CASE("numbers, NaN and infinities") {
  CHECK(ParseNumber("1.5").value() == 1.5);
  CHECK(ParseNumber(" -2e3 ").value() == -2000);
  CHECK(ParseNumber("+7").value() == 7);
  CHECK(std::isnan(ParseNumber("NaN").value()));
  CHECK(std::isinf(ParseNumber("-inf").value()));
  CHECK(std::isinf(ParseNumber("Infinity").value()));
  CHECK(std::isinf(ParseNumber("1e999").value()));
  CHECK_FALSE(ParseNumber("").has_value());
  CHECK_FALSE(ParseNumber("1.5x").has_value());
  CHECK_FALSE(ParseNumber("--1").has_value());
  CHECK_FALSE(ParseNumber("0x10").has_value());
}

TEST_CASE("column kinds and numeric extraction") {
  auto t = ParseCsv("x,c,e\n1,a,\nnan,b,\n,c,\ninf,d,\n2.5,e,\n", "n.csv");
  REQUIRE(t.ok());
  CHECK(InferColumnKind(*t, 0) == ColumnKind::kNumeric);
  CHECK(InferColumnKind(*t, 1) == ColumnKind::kCategorical);
  CHECK(InferColumnKind(*t, 2) == ColumnKind::kCategorical);
  auto x = NumericValues(*t, 0);
  REQUIRE(x.ok());
  CHECK(x->values == std::vector<double>{1, 2.5});
  CHECK(x->empty == 1);
  CHECK(x->non_finite == 2);
  CHECK(NumericValues(*t, 1).status() ==
        InvalidArgumentError("n.csv:2: column 'c': 'a' is not a number"));
  CategoricalColumn c = CategoricalValues(*t, 2);
  CHECK(c.values.empty());
  CHECK(c.empty == 5);
}

}  // namespace
}  // namespace governance::monitoring
