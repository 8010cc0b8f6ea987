// The outcome of a statistical hypothesis test.
#ifndef GOVERNANCE_SRC_MONITORING_TEST_RESULT_H_
#define GOVERNANCE_SRC_MONITORING_TEST_RESULT_H_

namespace governance::monitoring {

struct TestResult {
  double statistic = 0;
  double p_value = 1;
};

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_TEST_RESULT_H_
