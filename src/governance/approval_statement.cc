// The in-toto Statement v1 that carries a ModelApproval.
#include "core/decision_stack.h"
#include "core/digest.h"
#include "governance/artifact.h"
#include "core/document.h"
#include "core/json_reader.h"
#include "core/time.h"
#include "governance/types.h"

namespace governance {
namespace {

// The in-toto subject's DigestSet names the algorithm: "sha256" for a file
// (what sha256sum and every in-toto tool compute), "sha256-dir" for an mgov
// directory manifest, so a file holding a manifest's bytes never matches it.
nlohmann::json SubjectDigest(std::string_view artifact_digest) {
  if (artifact_digest.starts_with(kDirectoryDigestPrefix)) {
    return {{"sha256-dir", artifact_digest.substr(kDirectoryDigestPrefix.size())}};
  }
  return {{"sha256", artifact_digest.substr(kFileDigestPrefix.size())}};
}

StatusOr<std::string> ArtifactDigestOfSubject(const JsonReader& digest) {
  GOV_RETURN_IF_ERROR(digest.RequireKnown({"sha256", "sha256-dir"}));
  GOV_ASSIGN_OR_RETURN(std::string file, digest.OptionalString("sha256"));
  GOV_ASSIGN_OR_RETURN(std::string dir, digest.OptionalString("sha256-dir"));
  if (file.empty() == dir.empty()) {
    return digest.Error("sha256", "exactly one of sha256 (a file) and sha256-dir (a directory) is required");
  }
  std::string d = file.empty() ? std::string(kDirectoryDigestPrefix) + dir
                               : std::string(kFileDigestPrefix) + file;
  if (!IsArtifactDigest(d)) {
    return digest.Error(file.empty() ? "sha256-dir" : "sha256", "must be 64 lowercase hex digits");
  }
  return d;
}

}  // namespace

std::string ApprovalStatement(const ModelApproval& a) {
  nlohmann::json exceptions = nlohmann::json::array();
  for (const auto& e : a.policy.exceptions) {
    exceptions.push_back({{"rule", e.rule},
                          {"reason", e.reason},
                          {"approver", e.approver},
                          {"expires_at", FormatRfc3339(e.expires_at)}});
  }
  nlohmann::json predicate = {
      {"approval_id", a.approval_id},
      {"domain", a.domain},
      {"model", {{"id", a.model_id}, {"version", a.model_version}}},
      {"environments", a.environments},
      {"scopes", a.scopes},
      {"issued_at", FormatRfc3339(a.issued_at)},
      {"not_before", FormatRfc3339(a.not_before)},
      {"expires_at", FormatRfc3339(a.expires_at)},
      {"required_approvers", a.required_approvers},
      {"policy",
       {{"evaluated", a.policy.evaluated},
        {"bundle_digest", a.policy.bundle_digest},
        {"input_digest", a.policy.input_digest},
        {"decision", a.policy.evaluated ? "allowed" : "not-evaluated"},
        {"warnings", a.policy.warnings},
        {"exceptions", std::move(exceptions)}}},
      {"training_output", {{"digest", a.training_output_digest}, {"trainer", a.trainer}}},
      {"decision_stack", ToJson(a.decision_stack)},
  };
  nlohmann::json statement = {
      {"_type", kInTotoStatementType},
      {"subject",
       nlohmann::json::array({{{"name", a.model_id},
                               {"digest", SubjectDigest(a.artifact_digest)}}})},
      {"predicateType", kApprovalPredicateType},
      {"predicate", std::move(predicate)},
  };
  return CanonicalJson(statement);
}

StatusOr<ModelApproval> ParseApprovalStatement(std::string_view payload, std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(payload, origin));
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireObject());
  GOV_ASSIGN_OR_RETURN(std::string type, r.String("_type"));
  if (type != kInTotoStatementType) {
    return r.Error("_type", "must be \"" + std::string(kInTotoStatementType) + "\"");
  }
  GOV_ASSIGN_OR_RETURN(std::string predicate_type, r.String("predicateType"));
  if (predicate_type != kApprovalPredicateType) {
    return r.Error("predicateType", "must be \"" + std::string(kApprovalPredicateType) + "\"");
  }
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* subject, r.Member("subject", true));
  if (!subject->is_array() || subject->size() != 1) {
    return r.Error("subject", "must hold exactly one subject (the model artifact)");
  }
  JsonReader s((*subject)[0], std::string(origin), "/subject/0");
  GOV_ASSIGN_OR_RETURN(std::string subject_name, s.String("name"));
  GOV_ASSIGN_OR_RETURN(JsonReader digest, s.Object("digest"));
  GOV_ASSIGN_OR_RETURN(std::string artifact_digest, ArtifactDigestOfSubject(digest));

  ModelApproval a;
  GOV_ASSIGN_OR_RETURN(JsonReader p, r.Object("predicate"));
  GOV_ASSIGN_OR_RETURN(a.approval_id, p.String("approval_id"));
  GOV_ASSIGN_OR_RETURN(a.domain, p.OptionalString("domain"));
  if (!a.domain.empty() && !IsSha256Digest(a.domain)) {
    return p.Error("domain", "must be a sha256 digest");
  }
  GOV_ASSIGN_OR_RETURN(JsonReader model, p.Object("model"));
  GOV_ASSIGN_OR_RETURN(a.model_id, model.String("id"));
  GOV_ASSIGN_OR_RETURN(a.model_version, model.String("version"));
  a.artifact_digest = std::move(artifact_digest);
  if (subject_name != a.model_id) {
    return s.Error("name", "\"" + subject_name + "\" differs from the predicate's model id \"" +
                               a.model_id + "\"");
  }
  GOV_ASSIGN_OR_RETURN(a.environments, p.StringList("environments", false));
  GOV_ASSIGN_OR_RETURN(a.scopes, p.StringList("scopes", true));
  GOV_ASSIGN_OR_RETURN(a.issued_at, p.Timestamp("issued_at"));
  GOV_ASSIGN_OR_RETURN(a.not_before, p.Timestamp("not_before"));
  GOV_ASSIGN_OR_RETURN(a.expires_at, p.Timestamp("expires_at"));
  if (a.expires_at <= a.not_before) return p.Error("expires_at", "must be after not_before");
  GOV_ASSIGN_OR_RETURN(int64_t required, p.Int("required_approvers"));
  if (required < 1 || required > 100) return p.Error("required_approvers", "must be 1 to 100");
  a.required_approvers = static_cast<int>(required);
  GOV_ASSIGN_OR_RETURN(JsonReader policy, p.Object("policy"));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* evaluated, policy.Member("evaluated", true));
  if (!evaluated->is_boolean()) return policy.Error("evaluated", "must be a boolean");
  a.policy.evaluated = evaluated->get<bool>();
  GOV_ASSIGN_OR_RETURN(a.policy.bundle_digest, policy.OptionalString("bundle_digest"));
  GOV_ASSIGN_OR_RETURN(a.policy.input_digest, policy.OptionalString("input_digest"));
  GOV_ASSIGN_OR_RETURN(a.policy.warnings, policy.StringList("warnings", true));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* exceptions, policy.Member("exceptions", false));
  if (!exceptions->is_null()) {
    if (!exceptions->is_array()) return policy.Error("exceptions", "must be an array");
    for (size_t i = 0; i < exceptions->size(); ++i) {
      JsonReader e((*exceptions)[i], std::string(origin),
                   policy.PathOf("exceptions") + "/" + std::to_string(i));
      PolicyException pe;
      GOV_ASSIGN_OR_RETURN(pe.rule, e.String("rule"));
      GOV_ASSIGN_OR_RETURN(pe.reason, e.String("reason"));
      GOV_ASSIGN_OR_RETURN(pe.approver, e.String("approver"));
      GOV_ASSIGN_OR_RETURN(pe.expires_at, e.Timestamp("expires_at"));
      a.policy.exceptions.push_back(std::move(pe));
    }
  }
  GOV_ASSIGN_OR_RETURN(JsonReader training, p.Object("training_output"));
  GOV_ASSIGN_OR_RETURN(a.training_output_digest, training.String("digest"));
  if (!IsSha256Digest(a.training_output_digest)) {
    return training.Error("digest", "must be sha256:<64 lowercase hex digits>");
  }
  GOV_ASSIGN_OR_RETURN(a.trainer, training.String("trainer"));
  GOV_ASSIGN_OR_RETURN(a.decision_stack, ReadDecisionStack(p));
  return a;
}

}  // namespace governance
