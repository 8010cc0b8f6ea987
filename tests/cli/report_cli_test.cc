// mgov report: the compliance report of a scripted fleet (tests/report/
// scenario.sh), its JSON field by field, its HTML escaped and
// self-contained, exit codes, and that producing it appends nothing to the
// ledger. tests/report/browser_test.py renders the same scenario in Chromium.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_session.h"
#include "core/file.h"
#include "test_util.h"

namespace governance {
namespace {

const char kEvil[] = "evil<script>alert(1)</script>\"'&";

class ReportCli : public testing::CliSession {
 public:
  ReportCli() {
    testing::CommandResult r = testing::RunCommand(
        std::string("sh ") + GOV_SOURCE_DIR + "/tests/report/scenario.sh " + GOV_BINARY_DIR +
        "/src/cli/mgov " + dir_.path());
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }

  nlohmann::json Json(int code, const std::string& args) {
    std::string out = Expect(code, args);
    auto j = nlohmann::json::parse(out, nullptr, false);
    INFO(out);
    REQUIRE_FALSE(j.is_discarded());
    return j;
  }

  size_t LedgerSize() { return Json(0, "--json ledger list").size(); }

  static const nlohmann::json& Model(const nlohmann::json& report, const std::string& id) {
    for (const auto& m : report["models"]) {
      if (m["model_id"] == id) return m;
    }
    FAIL("no model " << id);
    return report;
  }
};

TEST_CASE_FIXTURE(ReportCli, "report --format json: the fleet, each model, expiring, exceptions") {
  const size_t before = LedgerSize();
  const nlohmann::json r = Json(0, "report --format json");
  CHECK(LedgerSize() == before);  // judging compliance recorded nothing

  CHECK(r["summary"] == nlohmann::json{{"models", 3}, {"deployments", 4}, {"compliant", 3},
                                       {"non_compliant", 1}, {"expiring", 1},
                                       {"open_exceptions", 1}});
  CHECK(r["model"].is_null());
  CHECK(r["since"].is_null());
  CHECK(r["expiring_within_seconds"] == 14 * 86400);

  // Fleet: environments in configuration order, then by model.
  const auto& fleet = r["fleet"];
  REQUIRE(fleet.size() == 4);
  std::vector<std::string> rows;
  for (const auto& f : fleet) {
    rows.push_back(f["environment"].get<std::string>() + " " + f["model_id"].get<std::string>() +
                   " " + f["model_version"].get<std::string>());
  }
  CHECK(rows == std::vector<std::string>{"staging churn 1", std::string("staging ") + kEvil + " 1",
                                         "staging fraud 1", "production fraud 1"});
  CHECK(fleet[0]["compliant"] == true);
  CHECK(fleet[0]["approval_state"] == "expiring");
  CHECK(fleet[1]["compliant"] == false);
  CHECK(fleet[1]["approval_state"] == "revoked");
  REQUIRE(fleet[1]["reasons"].size() == 1);
  CHECK(fleet[1]["reasons"][0].get<std::string>().starts_with("approval revoked: "));
  CHECK(fleet[2]["kind"] == "rollback");
  CHECK(fleet[2]["compliant"] == true);
  CHECK(fleet[2]["reasons"].empty());
  CHECK(fleet[3]["approval_state"] == "active");
  CHECK(fleet[3]["policy_bundle"].get<std::string>().starts_with("sha256:"));

  // fraud: two releases, the first with a policy warning, the second
  // approved under a waiver; its timeline, drift and fairness.
  const auto& fraud = Model(r, "fraud");
  REQUIRE(fraud["releases"].size() == 2);
  const auto& v1 = fraud["releases"][0];
  CHECK(v1["training_output"]["model"]["version"] == "1");
  CHECK(v1["training_output"]["decision_stack"]["dataset_version"] == "ds-1");
  CHECK(v1["training_output"]["decision_stack"]["components"]["sdk"] == "android_sdk_2.1.0");
  CHECK(v1["training_output"]["release_notes"]["owners"] == nlohmann::json{"risk-ml@example.com"});
  CHECK(v1["training_output"]["manifest"]["spec"]["metrics"]["accuracy"] == 0.91);
  CHECK(v1["approval"]["policy"]["warnings"].size() == 1);
  CHECK(v1["approval"]["distinct_approvers"] == 2);
  CHECK(v1["approval"]["signers"][1]["identity"] == "bob");
  const auto& v2 = fraud["releases"][1]["approval"];
  CHECK(v2["model_version"] == "2");
  REQUIRE(v2["policy"]["exceptions"].size() == 1);
  CHECK(v2["policy"]["exceptions"][0]["rule"] == "deny_accuracy");
  std::vector<std::string> timeline;
  for (const auto& e : fraud["deployments"]) {
    timeline.push_back(e["type"].get<std::string>() + " " + e["environment"].get<std::string>());
  }
  CHECK(timeline == std::vector<std::string>{"deploy.allowed staging", "deploy.allowed production",
                                             "deploy.allowed staging",
                                             "rollback.allowed staging"});
  REQUIRE(fraud["rollbacks"].size() == 1);
  CHECK(fraud["rollbacks"][0]["details"].dump().find("regressed") != std::string::npos);
  CHECK(fraud["drift"]["threshold"] == 0.5);
  const auto& points = fraud["drift"]["points"];
  REQUIRE(points.size() == 3);
  CHECK(points[0]["drifted"] == false);
  CHECK(points[0]["score"].get<double>() < 0.5);
  CHECK(points[2]["drifted"] == true);
  CHECK(points[2]["score"] == 1.0);
  CHECK(points[2]["action"] == "revoke");
  CHECK(points[0]["sequence"].get<int64_t>() < points[1]["sequence"].get<int64_t>());
  REQUIRE(fraud["fairness"].size() == 1);
  CHECK(fraud["fairness"][0]["fair"] == true);
  CHECK(fraud["fairness"][0]["metrics"].contains("demographic_parity"));
  CHECK_FALSE(fraud["fairness"][0]["metrics"].contains("groups"));
  CHECK(fraud["revocations"].empty());

  const auto& evil = Model(r, kEvil);
  REQUIRE(evil["revocations"].size() == 1);
  CHECK(evil["revocations"][0]["details"]["reason"] ==
        "found <b>bias</b> & \"leakage\" in 'holdout'");
  CHECK(evil["drift"]["points"].empty());

  REQUIRE(r["expiring"].size() == 1);
  CHECK(r["expiring"][0]["model_id"] == "churn");
  CHECK(r["expiring"][0]["environments"] == nlohmann::json{"staging"});

  REQUIRE(r["exceptions"].size() == 1);
  const auto& x = r["exceptions"][0];
  CHECK(x["model_id"] == "fraud");
  CHECK(x["approval_id"] == v2["approval_id"]);
  CHECK(x["rule"] == "deny_accuracy");
  CHECK(x["approver"] == "bob");
  CHECK(x["expires_at"] == "2099-01-01T00:00:00Z");
  CHECK(x["expired"] == false);
  CHECK(x["reason"] == "Interim model while the <Q3> retrain completes & \"ships\"");

  const auto& ledger = r["ledger"];
  CHECK(ledger["ok"] == true);
  CHECK(ledger["entries"] == before);
  CHECK(ledger["root_hash"].get<std::string>().size() == 64);
  CHECK(ledger["checkpoint"].is_null());
  CHECK(ledger["table_problems"].empty());
}

TEST_CASE_FIXTURE(ReportCli, "report filters, the HTML file, and exit codes") {
  const size_t before = LedgerSize();
  // --model: that model's deployments and page only; --json is --format json.
  const nlohmann::json fraud = Json(0, "--json report --model fraud");
  CHECK(fraud["model"] == "fraud");
  CHECK(fraud["models"].size() == 1);
  CHECK(fraud["fleet"].size() == 2);
  CHECK(fraud["expiring"].empty());
  CHECK(fraud["exceptions"].size() == 1);
  // --since: history from then on; the fleet is always as of now.
  const nlohmann::json later = Json(0, "report --format json --since 2999-01-01T00:00:00Z");
  CHECK(later["since"] == "2999-01-01T00:00:00Z");
  CHECK(later["fleet"].size() == 4);
  CHECK(Model(later, "fraud")["drift"]["points"].empty());
  CHECK(Model(later, "fraud")["releases"].size() == 2);
  CHECK(Json(0, "report --format json --expiring-within 1d")["expiring"].empty());
  Expect(0, "ledger checkpoint --out cp.json");
  const nlohmann::json checked = Json(0, "report --format json --checkpoint cp.json");
  CHECK(checked["ledger"]["checkpoint"]["size"] == before);

  // The HTML file: written, escaped, self-contained.
  CHECK(Expect(0, "report --html report.html").find("wrote report.html: 3 models, 4 deployments "
                                                    "(1 not compliant)") != std::string::npos);
  auto html = ReadFile(dir_ / "report.html");
  REQUIRE(html.ok());
  CHECK(html->starts_with("<!DOCTYPE html>"));
  CHECK(html->find("<script") == std::string::npos);
  CHECK(html->find("<link") == std::string::npos);
  CHECK(html->find("src=") == std::string::npos);
  CHECK(html->find("url(") == std::string::npos);
  CHECK(html->find("<b>bias") == std::string::npos);
  CHECK(html->find("evil&lt;script&gt;alert(1)&lt;/script&gt;&quot;&apos;&amp;") !=
        std::string::npos);
  CHECK(html->find("found &lt;b&gt;bias&lt;/b&gt; &amp; &quot;leakage&quot; in &apos;holdout&apos;") !=
        std::string::npos);
  size_t circles = 0;
  for (size_t at = html->find("<circle"); at != std::string::npos; at = html->find("<circle", at + 1)) {
    ++circles;
  }
  CHECK(circles == 3);
  CHECK(html->find("data-threshold=\"0.5\"") != std::string::npos);
  CHECK(html->find("@media print") != std::string::npos);
  CHECK(LedgerSize() == before);

  // Bad input: exit 2, naming what is wrong; nothing written.
  CHECK(Expect(2, "report --format json --model nobody").find("nobody") != std::string::npos);
  CHECK(Expect(2, "report --format json --since yesterday").find("--since") != std::string::npos);
  CHECK(Expect(2, "report --html no/such/dir/r.html").find("--html") != std::string::npos);
  CHECK(Expect(2, "report --format xml --html r.html").find("--format") != std::string::npos);
  CHECK(Expect(2, "report").find("--html FILE is required") != std::string::npos);
  CHECK(Expect(2, "report --format json --expiring-within soon").find("--expiring-within") !=
        std::string::npos);
  CHECK(Expect(2, "report --format json --checkpoint missing.json").find("missing.json") !=
        std::string::npos);
  CHECK(LedgerSize() == before);
}

}  // namespace
}  // namespace governance
