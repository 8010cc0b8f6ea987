#include "governance/fairness.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

namespace governance {
namespace {

const std::string kData = GOV_SOURCE_DIR "/tests/monitoring/data/";

bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

FairnessOptions Columns() {
  FairnessOptions options;
  options.label_column = "label";
  options.prediction_column = "prediction";
  options.sensitive_column = "group";
  return options;
}

// predictions_fair.csv, computed by hand from Fairlearn's definitions:
//   group a: (y, ŷ) = (1,1) (1,0) (0,1) (0,0)      selection 1/2, TPR 1/2, FPR
//   1/2 group b: (1,1) (1,1) (0,0) (0,0) (0,0)         selection 2/5, TPR 1,
//   FPR 0 overall: selection 4/9, TPR 3/4, FPR 1/5
TEST_CASE("between_groups (Fairlearn's default)") {
  auto r = CheckFairness(kData + "predictions_fair.csv", Columns());
  REQUIRE(r.ok());
  REQUIRE(r->groups.size() == 2);
  CHECK(r->groups[0].group == "a");
  CHECK(r->groups[0].selection_rate == 0.5);
  CHECK(r->groups[1].true_positive_rate == 1.0);
  CHECK(r->groups[1].false_positive_rate == 0.0);
  CHECK(Near(r->overall.selection_rate, 4.0 / 9));
  CHECK(Near(r->demographic_parity_difference, 0.1, 1e-15));
  CHECK(Near(r->demographic_parity_ratio, 0.8));
  CHECK(Near(r->equalized_odds_difference,
             0.5));                       // max(TPR gap 0.5, FPR gap 0.5)
  CHECK(r->equalized_odds_ratio == 0.0);  // min(TPR 0.5, FPR 0 / 0.5)
  // At the bound on both checks: 0.4 is not below 0.8 × 0.5.
  CHECK(r->four_fifths_passed);
  CHECK(r->fair);
  CHECK(Near(r->severity, 0.5, 1e-12));  // 0.5 · difference / bound
}

TEST_CASE("to_overall") {
  FairnessOptions options = Columns();
  options.method = FairnessMethod::kToOverall;
  auto r = CheckFairness(kData + "predictions_fair.csv", options);
  REQUIRE(r.ok());
  CHECK(Near(r->demographic_parity_difference, 1.0 / 18));  // |1/2 - 4/9|
  CHECK(Near(r->demographic_parity_ratio, 8.0 / 9));        // (4/9) / (1/2)
  CHECK(Near(r->equalized_odds_difference, 0.3));           // FPR |1/2 - 1/5|
  CHECK(r->equalized_odds_ratio == 0.0);                    // FPR 0 / (1/5)
  nlohmann::json j = ToJson(*r);
  CHECK(j["spec"]["fairness"]["method"] == "to_overall");
  CHECK(j["spec"]["fairness"]["demographic_parity"].get<double>() ==
        r->demographic_parity_difference);
}

TEST_CASE(
    "unfair predictions fail demographic parity and the four-fifths rule") {
  FairnessOptions options;
  options.label_column = "approved";
  options.prediction_column = "predicted";
  options.sensitive_column = "gender";
  auto r = CheckFairness(kData + "predictions_unfair.csv", options);
  REQUIRE(r.ok());
  CHECK(Near(r->groups[0].selection_rate, 0.65));  // "true" counts as positive
  CHECK(Near(r->groups[1].selection_rate, 0.25));
  CHECK(Near(r->demographic_parity_difference, 0.4));
  CHECK_FALSE(r->four_fifths_passed);
  CHECK(r->four_fifths_violations == std::vector<std::string>{"y"});
  CHECK_FALSE(r->fair);
  CHECK(r->severity == 1.0);
  CHECK(r->action == RecommendedAction::kRevoke);
  nlohmann::json j = ToJson(*r);
  CHECK(j["spec"]["fairness"]["four_fifths"]["passed"] == false);
  CHECK(j["spec"]["fairness"]["fair"] == false);
}

TEST_CASE("positive label, empty rate denominators, NaN ratios") {
  FairnessOptions options;
  options.positive = "yes";
  // Nobody is selected: ratios are 0/0.
  auto r = ComputeFairness({"yes", "no", "yes"}, {"no", "no", "no"},
                           {"a", "a", "b"}, options);
  REQUIRE(r.ok());
  CHECK(r->demographic_parity_difference == 0.0);
  CHECK(std::isnan(r->demographic_parity_ratio));
  CHECK(r->groups[1].false_positive_rate == 0.0);  // group b has no negatives
  CHECK(r->four_fifths_passed);
  CHECK(ToJson(*r)["spec"]["fairness"]["demographic_parity_ratio"].is_null());
}

TEST_CASE("errors") {
  FairnessOptions options = Columns();
  options.sensitive_column = "race";
  CHECK(CheckFairness(kData + "predictions_fair.csv", options).status() ==
        InvalidArgumentError(kData + "predictions_fair.csv: no column 'race' "
                                     "(columns: label, prediction, group)"));
  CHECK(CheckFairnessText("label,prediction,group\n1,,a\n", "p.csv", Columns())
            .status() ==
        InvalidArgumentError("p.csv:2: column 'prediction' is empty"));
  CHECK(CheckFairnessText("label,prediction,group\n1,1,a\n2,1,a\n3,0,b\n",
                          "p.csv", Columns())
            .status() ==
        InvalidArgumentError(
            "p.csv: column 'label' values take 3 distinct values (1, 2, 3); "
            "fairness metrics need binary ones"));
  CHECK(ParseFairnessMethod("worst").status() ==
        InvalidArgumentError("unknown fairness method 'worst' (expected "
                             "between_groups or to_overall)"));
}

}  // namespace
}  // namespace governance
