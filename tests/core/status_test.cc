#include "governance/status.h"

#include <doctest/doctest.h>

namespace governance {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(x));
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  GOV_ASSIGN_OR_RETURN(int h, Half(x));
  GOV_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  GOV_RETURN_IF_ERROR(Half(x).status());
  return Status();
}

TEST_CASE("Status carries code and message") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  Status s = NotFoundError("approval abc");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.ToString() == "NOT_FOUND: approval abc");
  CHECK(s.WithContext("verify").message() == "verify: approval abc");
  CHECK(Status().WithContext("x").ok());
}

TEST_CASE("StatusOr and the propagation macros") {
  CHECK(*Quarter(8) == 2);
  StatusOr<int> bad = Quarter(6);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status() == InvalidArgumentError("odd: 3"));
  CHECK(bad.value_or(-1) == -1);
  CHECK(CheckEven(4).ok());
  CHECK(CheckEven(5).code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace governance
