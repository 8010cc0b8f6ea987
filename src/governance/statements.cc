// Revocation and deployment statements (statements.h).
#include "governance/statements.h"

#include "core/digest.h"
#include "core/document.h"
#include "core/json_reader.h"
#include "core/time.h"

namespace governance {
namespace {

const char* KindName(Revocation::Kind kind) {
  return kind == Revocation::Kind::kApproval ? "approval" : "model";
}

Status CheckType(const JsonReader& r, std::string_view want) {
  GOV_ASSIGN_OR_RETURN(std::string type, r.String("_type"));
  if (type != want) return r.Error("_type", "must be \"" + std::string(want) + "\"");
  return Status();
}

StatusOr<std::string> Digest(const JsonReader& r, const char* name, bool allow_empty) {
  GOV_ASSIGN_OR_RETURN(std::string d, r.OptionalString(name));
  if (d.empty() && allow_empty) return d;
  if (!IsSha256Digest(d)) return r.Error(name, "must be sha256:<64 lowercase hex digits>");
  return d;
}

StatusOr<std::string> ArtifactDigestField(const JsonReader& r, const char* name) {
  GOV_ASSIGN_OR_RETURN(std::string d, r.String(name));
  if (!IsArtifactDigest(d)) {
    return r.Error(name, "must be sha256:<64 lowercase hex digits> or sha256-dir:<64 lowercase hex digits>");
  }
  return d;
}

}  // namespace

std::string RevocationPayload(const Revocation& v, std::string_view domain) {
  return CanonicalJson({{"_type", kRevocationType},
                        {"domain", domain},
                        {"kind", KindName(v.kind)},
                        {"target", v.target},
                        {"artifact_digests", v.artifact_digests},
                        {"reason", v.reason},
                        {"revoked_by", v.revoked_by},
                        {"revoked_at", FormatRfc3339(v.revoked_at)}});
}

StatusOr<Revocation> ParseRevocationPayload(std::string_view payload, std::string_view origin,
                                            std::string* domain) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(payload, origin));
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireKnown({"_type", "domain", "kind", "target", "artifact_digests",
                                      "reason", "revoked_by", "revoked_at"}));
  GOV_RETURN_IF_ERROR(CheckType(r, kRevocationType));
  Revocation v;
  GOV_ASSIGN_OR_RETURN(*domain, Digest(r, "domain", false));
  GOV_ASSIGN_OR_RETURN(std::string kind, r.String("kind"));
  if (kind == "approval") {
    v.kind = Revocation::Kind::kApproval;
  } else if (kind == "model") {
    v.kind = Revocation::Kind::kModel;
  } else {
    return r.Error("kind", "must be \"approval\" or \"model\"");
  }
  GOV_ASSIGN_OR_RETURN(v.target, r.String("target"));
  GOV_ASSIGN_OR_RETURN(v.artifact_digests, r.StringList("artifact_digests", true));
  for (const auto& d : v.artifact_digests) {
    if (!IsArtifactDigest(d)) return r.Error("artifact_digests", "must hold artifact digests");
  }
  GOV_ASSIGN_OR_RETURN(v.reason, r.String("reason"));
  GOV_ASSIGN_OR_RETURN(v.revoked_by, r.String("revoked_by"));
  GOV_ASSIGN_OR_RETURN(v.revoked_at, r.Timestamp("revoked_at"));
  return v;
}

std::string DeploymentPayload(const DeploymentStatement& s) {
  const Deployment& d = s.deployment;
  return CanonicalJson({{"_type", kDeploymentType},
                        {"domain", s.domain},
                        {"kind", d.kind},
                        {"environment", d.environment},
                        {"model", {{"id", d.model_id}, {"version", d.model_version}}},
                        {"approval_id", d.approval_id},
                        {"artifact_digest", d.artifact_digest},
                        {"deployed_by", d.deployed_by},
                        {"deployed_at", FormatRfc3339(d.deployed_at)},
                        {"previous", s.previous},
                        {"reason", s.reason}});
}

StatusOr<DeploymentStatement> ParseDeploymentPayload(std::string_view payload,
                                                     std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(payload, origin));
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireKnown({"_type", "domain", "kind", "environment", "model",
                                      "approval_id", "artifact_digest", "deployed_by",
                                      "deployed_at", "previous", "reason"}));
  GOV_RETURN_IF_ERROR(CheckType(r, kDeploymentType));
  DeploymentStatement s;
  Deployment& d = s.deployment;
  GOV_ASSIGN_OR_RETURN(s.domain, Digest(r, "domain", false));
  GOV_ASSIGN_OR_RETURN(d.kind, r.String("kind"));
  if (d.kind != "deploy" && d.kind != "rollback") {
    return r.Error("kind", "must be \"deploy\" or \"rollback\"");
  }
  GOV_ASSIGN_OR_RETURN(d.environment, r.String("environment"));
  GOV_ASSIGN_OR_RETURN(JsonReader model, r.Object("model"));
  GOV_ASSIGN_OR_RETURN(d.model_id, model.String("id"));
  GOV_ASSIGN_OR_RETURN(d.model_version, model.String("version"));
  GOV_ASSIGN_OR_RETURN(d.approval_id, r.String("approval_id"));
  GOV_ASSIGN_OR_RETURN(d.artifact_digest, ArtifactDigestField(r, "artifact_digest"));
  GOV_ASSIGN_OR_RETURN(d.deployed_by, r.String("deployed_by"));
  GOV_ASSIGN_OR_RETURN(d.deployed_at, r.Timestamp("deployed_at"));
  GOV_ASSIGN_OR_RETURN(s.previous, Digest(r, "previous", true));
  GOV_ASSIGN_OR_RETURN(s.reason, r.OptionalString("reason"));
  return s;
}

std::string DeploymentDigest(const Deployment& d) {
  if (!d.envelope.payload.empty()) return Sha256DigestOf(d.envelope.payload);
  return Sha256DigestOf(CanonicalJson({{"id", d.id},
                                       {"environment", d.environment},
                                       {"model_id", d.model_id},
                                       {"model_version", d.model_version},
                                       {"approval_id", d.approval_id},
                                       {"artifact_digest", d.artifact_digest},
                                       {"deployed_by", d.deployed_by},
                                       {"deployed_at", d.deployed_at},
                                       {"kind", d.kind}}));
}

}  // namespace governance
