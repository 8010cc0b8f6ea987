// mgov approve: evaluate policy and issue a signed ModelApproval.
#include <fmt/format.h>

#include "cli/command.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct ApproveOptions {
  std::string training_output, key, ttl, not_before, out;
  std::vector<std::string> environments, scopes;
  int quorum = 0;
};

StatusOr<Outcome> RunApprove(const ApproveOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(std::string text, ReadFile(o.training_output));
  GOV_ASSIGN_OR_RETURN(SignedTrainingOutput training,
                       ParseTrainingOutputEnvelope(text, o.training_output));
  ApprovalRequest req;
  req.environments = o.environments;
  req.scopes = o.scopes;
  req.required_approvers = o.quorum;
  if (!o.ttl.empty()) {
    auto ttl = ParseDurationSeconds(o.ttl);
    if (!ttl.ok()) return ttl.status().WithContext("--ttl");
    req.ttl_seconds = *ttl;
  }
  if (!o.not_before.empty()) {
    auto nb = ParseRfc3339(o.not_before);
    if (!nb.ok()) return nb.status().WithContext("--not-before");
    req.not_before = *nb;
  }
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  // Written before the store commits: exit 2 then means nothing stored.
  if (!o.out.empty()) req.before_commit = WriteEnvelopeBeforeCommit(o.out);
  GovernancePlane governance(*store, planes);
  GOV_ASSIGN_OR_RETURN(ApprovalOutcome outcome, governance.Approve(training.envelope, req, key));
  if (ctx.global.json) {
    ctx.PrintJson({{"approved", outcome.approved},
                   {"approval_id", outcome.approval.approval_id},
                   {"required_approvers", outcome.approval.required_approvers},
                   {"expires_at", outcome.approved ? FormatRfc3339(outcome.approval.expires_at) : ""},
                   {"denials", outcome.denials},
                   {"policy_bundle", outcome.approval.policy.bundle_digest},
                   {"warnings", outcome.warnings},
                   {"ledger_sequence", outcome.ledger_sequence}});
  } else if (outcome.approved) {
    // The id alone on stdout, so scripts can capture it; details on stderr.
    *ctx.out << outcome.approval.approval_id << "\n";
    *ctx.err << fmt::format("approved {} {} for {} until {}; {} of {} approver(s) signed\n",
                            outcome.approval.model_id, outcome.approval.model_version,
                            fmt::join(outcome.approval.environments, ","),
                            FormatRfc3339(outcome.approval.expires_at), 1,
                            outcome.approval.required_approvers);
    for (const auto& w : outcome.warnings) *ctx.err << "warning: " << w << "\n";
  } else {
    *ctx.err << "approval DENIED (ledger entry " << outcome.ledger_sequence << "):\n";
    for (const auto& d : outcome.denials) *ctx.err << "  - " << d << "\n";
  }
  return outcome.approved ? Outcome::kYes : Outcome::kNo;
}

}  // namespace

void AddApproveCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ApproveOptions>();
  CLI::App* sub = app.add_subcommand(
      "approve", "Evaluate policy and issue a signed approval; prints the approval id");
  sub->add_option("TRAINING_OUTPUT_FILE", o->training_output, "Signed TrainingOutput (mgov train --out)")
      ->required();
  sub->add_option("--key", o->key, "Approver private key (PEM)")->required();
  sub->add_option("--env", o->environments, "Environments (comma-separated)")
      ->required()
      ->delimiter(',');
  sub->add_option("--scope", o->scopes, "Scopes (comma-separated; default: any)")->delimiter(',');
  sub->add_option("--ttl", o->ttl, "Validity, e.g. 30d (default 90d, capped per environment)");
  sub->add_option("--not-before", o->not_before, "Start of validity, RFC 3339 (default now)");
  sub->add_option("--quorum", o->quorum,
                  "Distinct approvers required (default and minimum: the environments' floor)");
  sub->add_option("--out", o->out, "Also write the DSSE envelope here");
  sub->callback([o, &ctx] { ctx.Finish("approve", RunApprove(*o, ctx)); });
}

}  // namespace governance::cli
