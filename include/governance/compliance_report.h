// The compliance report: one read-only answer, for auditors and reviewers, to
// "what is deployed where, is each deployment still compliant, and what
// does the evidence say about each model". `mgov report` renders it.
//
//   auto report = BuildComplianceReport(*store, planes, {.expiring_within_seconds = 14 * 86400},
//                                       now);
//   if (!report.ok()) return report.status();
//   std::cout << ToJson(*report).dump(2);          // machine form
//   WriteFileAtomic("report.html", ToHtml(*report)); // one self-contained page
//
// It is gathered from what the library already verifies, and records
// nothing: the fleet from the trusted state's current deployments, each
// judged three ways without a ledger entry (its approval's state,
// ApprovalView; the serving gate, ServingPlane::Assess; the policy its
// environment requires now, GovernancePlane::AssessDeployed); per model, the
// approvals and the training outputs they approved, and the model's history
// from the verified ledger (ModelHistory): deployments, rollbacks,
// revocations, drift and fairness checks; the approvals about to expire; the
// policy exceptions of live approvals; and the integrity of the whole store
// (AuditStoreIntegrity). A store whose state or ledger does not verify
// yields PermissionDenied rather than a report drawn from it.
//
// Cost: O(models × ledger entries), since each model's history verifies the
// ledger; this is a report, not a gate.
#ifndef GOVERNANCE_COMPLIANCE_REPORT_H_
#define GOVERNANCE_COMPLIANCE_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/audit.h"
#include "governance/coordinator.h"
#include "governance/integrity.h"
#include "governance/ledger.h"
#include "governance/status.h"
#include "governance/store.h"
#include "governance/trust.h"
#include "governance/types.h"

namespace governance {

// A drift severity of 0.5 is exactly a test's threshold (drift.h): the line
// a drift history is drawn against.
inline constexpr double kDriftSeverityThreshold = 0.5;

struct ComplianceReportOptions {
  // Only this model ("" every model with an approval, a deployment or a
  // ledger entry naming it). NotFound naming it when no ledger entry is
  // about it.
  std::string model_id;
  // History (timelines, drift, fairness, revocations) from this instant, in
  // Unix seconds. Default 0: all of it. The fleet and approvals are always
  // as of `now`.
  int64_t since = 0;
  // An active approval that expires within this many seconds is "expiring".
  // Default 14 days.
  int64_t expiring_within_seconds = 14 * 86400;
  // A tree head kept outside the store (mgov ledger checkpoint): the ledger
  // must extend it. Default none.
  std::optional<LedgerCheckpoint> checkpoint;
};

// One current deployment and whether it is compliant now.
struct FleetEntry {
  Deployment deployment;
  ApprovalState approval_state = ApprovalState::kInvalid;
  std::string policy_bundle;  // the bundle its environment requires now; "" none
  bool compliant = false;
  // Why not, each one line: "approval expired: ...", "gate revocation: ...",
  // "policy: ...". Empty when compliant.
  std::vector<std::string> reasons;
};

// One drift check of a model ("drift.checked"): spec.drift.score, the
// severity (0.5 at the threshold).
struct DriftPoint {
  int64_t sequence = 0;
  int64_t timestamp = 0;
  double score = 0;
  bool drifted = false;
  std::string action;  // "monitor", "investigate", "revoke"
};

// One fairness check of a model ("fairness.checked").
struct FairnessPoint {
  int64_t sequence = 0;
  int64_t timestamp = 0;
  bool fair = true;
  double severity = 0;
  // spec.fairness without its per-group table: demographic_parity,
  // demographic_parity_ratio, equalized_odds, four_fifths, bounds, ...
  nlohmann::json metrics = nlohmann::json::object();
};

// An approval of the model with the training output it approved.
struct ReleaseRecord {
  ApprovalView approval;
  // ToJson(TrainingOutput) of the approved output, checked against the
  // digest the approvers signed; null when it could not be read, with why.
  nlohmann::json training_output;
  std::string training_output_problem;
};

struct ModelReport {
  std::string model_id;
  std::vector<ReleaseRecord> releases;   // in the order the approvals were issued
  std::vector<HistoryEvent> deployments; // deploy.* and rollback.* entries, allowed or denied
  std::vector<HistoryEvent> revocations; // *.revoked entries about it
  std::vector<DriftPoint> drift;
  double drift_threshold = kDriftSeverityThreshold;
  std::vector<FairnessPoint> fairness;
};

// A policy exception (waiver) recorded in a live approval (pending, active
// or expiring).
struct OpenException {
  std::string approval_id;
  std::string model_id;
  PolicyException exception;
  bool expired = false;  // expires_at <= now: it waives nothing any more
};

struct LedgerIntegrity {
  IntegrityReport audit;                     // AuditStoreIntegrity
  std::optional<LedgerCheckpoint> checkpoint;  // the one checked against, when given
  std::optional<LedgerMark> last_seen;       // what this host had verified before
};

struct ComplianceReport {
  int64_t generated_at = 0;
  std::string store_url;
  std::string model_filter;  // ComplianceReportOptions::model_id
  int64_t since = 0;
  int64_t expiring_within_seconds = 0;
  std::vector<FleetEntry> fleet;     // by environment, then model
  std::vector<ModelReport> models;   // by model id
  std::vector<ApprovalView> expiring;
  std::vector<OpenException> exceptions;
  LedgerIntegrity ledger;
};

// Gathers the report at `now` (Unix seconds). Reads only: no ledger entry,
// row or revocation is written. PermissionDenied when the governance state
// or the ledger does not verify; NotFound for an unknown options.model_id;
// FailedPrecondition without options.trust.
StatusOr<ComplianceReport> BuildComplianceReport(Store& store, const PlaneOptions& options,
                                                 const ComplianceReportOptions& report_options,
                                                 int64_t now);

// The report as JSON (docs/audit.md, "Compliance report", lists each field);
// times are RFC 3339.
nlohmann::json ToJson(const ComplianceReport& report);

// One self-contained HTML page (report_html.cc): inline CSS and SVG only, no
// script, link, font or image fetched; every text from the store escaped;
// a page per model when printed.
std::string ToHtml(const ComplianceReport& report);

}  // namespace governance

#endif  // GOVERNANCE_COMPLIANCE_REPORT_H_
