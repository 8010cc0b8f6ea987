#include "cli/monitoring_evidence.h"

#include <fmt/format.h>

#include <utility>

#include "governance/coordinator.h"
#include "governance/store.h"

namespace governance::cli {

void AddEvidenceOptions(CLI::App* cmd, EvidenceOptions* o) {
  cmd->add_option("--model", o->model, "Model id: record the result in the evidence ledger");
  cmd->add_flag("--auto-revoke", o->auto_revoke,
                "Revoke the model's approvals when severity >= --revoke-severity");
  cmd->add_option("--key", o->key, "Private key file that signs the revocation");
  cmd->add_option("--revoke-severity", o->revoke_severity,
                  "Severity from which to revoke (default 0.8)");
}

StatusOr<std::optional<PrivateKey>> PrepareEvidence(const EvidenceOptions& o) {
  if (o.auto_revoke && o.model.empty()) return InvalidArgumentError("--auto-revoke needs --model");
  if (o.auto_revoke && o.key.empty()) return InvalidArgumentError("--auto-revoke needs --key");
  if (!o.key.empty() && !o.auto_revoke) {
    return InvalidArgumentError("--key is only used with --auto-revoke");
  }
  if (!(o.revoke_severity > 0 && o.revoke_severity <= 1)) {
    return InvalidArgumentError("--revoke-severity must be in (0, 1]");
  }
  if (!o.auto_revoke) return std::optional<PrivateKey>();
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  return std::optional<PrivateKey>(std::move(key));
}

namespace {

struct Evidence {
  std::string model;
  int64_t ledger_sequence = 0;
  std::optional<int64_t> revocation_sequence;
  std::string note;  // why nothing was revoked, when revocation was asked for
};

StatusOr<Evidence> RecordEvidence(const EvidenceOptions& o, Context& ctx, std::string_view check,
                                  const nlohmann::json& result, double severity,
                                  const std::optional<PrivateKey>& key) {
  Evidence evidence;
  evidence.model = o.model;
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GovernancePlane plane(*store, planes);
  GOV_ASSIGN_OR_RETURN(MonitoringOutcome out,
                       plane.RecordCheck({std::string(check), o.model, result, severity},
                                         o.auto_revoke ? &*key : nullptr, o.revoke_severity));
  evidence.ledger_sequence = out.ledger_sequence;
  evidence.revocation_sequence = out.revocation_sequence;
  evidence.note = out.note;
  return evidence;
}


nlohmann::json EvidenceJson(const Evidence& e) {
  nlohmann::json j = {{"model", e.model},
                      {"ledger_sequence", e.ledger_sequence},
                      {"revoked", e.revocation_sequence.has_value()}};
  if (e.revocation_sequence) j["revocation_ledger_sequence"] = *e.revocation_sequence;
  if (!e.note.empty()) j["note"] = e.note;
  return j;
}

void PrintEvidence(std::ostream& out, const Evidence& e) {
  out << "recorded in the ledger for model " << e.model << " (entry " << e.ledger_sequence
      << ")\n";
  if (e.revocation_sequence) {
    out << "revoked every approval of model " << e.model << " (entry " << *e.revocation_sequence
        << ")\n";
  } else if (!e.note.empty()) {
    out << "not revoked: " << e.note << "\n";
  }
}

}  // namespace

Status RecordAndReport(const EvidenceOptions& o, Context& ctx, std::string_view check,
                       nlohmann::json result, double severity,
                       const std::optional<PrivateKey>& key,
                       const std::function<void(std::ostream&)>& print_table) {
  std::optional<Evidence> evidence;
  if (!o.model.empty()) {
    GOV_ASSIGN_OR_RETURN(evidence, RecordEvidence(o, ctx, check, result, severity, key));
  }
  if (ctx.global.json) {
    if (evidence) result["evidence"] = EvidenceJson(*evidence);
    *ctx.out << result.dump(2) << "\n";
  } else {
    print_table(*ctx.out);
    if (evidence) PrintEvidence(*ctx.out, *evidence);
  }
  return Status();
}

}  // namespace governance::cli
