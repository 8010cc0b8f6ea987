#include "core/decision_stack.h"
#include "core/digest.h"
#include "core/document.h"
#include "core/json_reader.h"
#include "core/time.h"
#include "governance/artifact.h"
#include "governance/types.h"

namespace governance {

nlohmann::json ToJson(const TrainingOutput& t) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : t.artifact.files) {
    files.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
  }
  nlohmann::json out = {
      {"model", {{"id", t.model_id}, {"version", t.model_version}}},
      {"artifact",
       {{"digest", t.artifact.digest},
        {"type", t.artifact.is_directory ? "directory" : "file"},
        {"total_bytes", t.artifact.total_bytes},
        {"files", std::move(files)}}},
      {"metrics", t.metrics},
      {"manifest", t.manifest},
      {"trainer", {{"identity", t.trainer}, {"keyid", t.trainer_keyid}}},
      {"correlation_id", t.correlation_id},
      {"created_at", FormatRfc3339(t.created_at)},
      {"decision_stack", ToJson(t.decision_stack)},
  };
  if (t.artifact_facts) out["artifact_facts"] = ToJson(*t.artifact_facts);
  if (t.release_notes) out["release_notes"] = ToJson(*t.release_notes);
  return out;
}

StatusOr<TrainingOutput> TrainingOutputFromJson(const nlohmann::json& j, std::string_view origin) {
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireObject());
  TrainingOutput t;
  GOV_ASSIGN_OR_RETURN(JsonReader model, r.Object("model"));
  GOV_ASSIGN_OR_RETURN(t.model_id, model.String("id"));
  GOV_ASSIGN_OR_RETURN(t.model_version, model.String("version"));
  GOV_ASSIGN_OR_RETURN(JsonReader artifact, r.Object("artifact"));
  GOV_ASSIGN_OR_RETURN(t.artifact.digest, artifact.String("digest"));
  if (!IsArtifactDigest(t.artifact.digest)) {
    return artifact.Error("digest", "must be sha256:<64 lowercase hex digits> (a file) or "
                                    "sha256-dir:<64 lowercase hex digits> (a directory)");
  }
  GOV_ASSIGN_OR_RETURN(std::string type, artifact.String("type"));
  if (type != "file" && type != "directory") {
    return artifact.Error("type", "must be \"file\" or \"directory\"");
  }
  t.artifact.is_directory = type == "directory";
  if (t.artifact.is_directory != t.artifact.digest.starts_with(kDirectoryDigestPrefix)) {
    return artifact.Error("digest", t.artifact.is_directory
                                        ? "of a directory must start with sha256-dir:"
                                        : "of a file must start with sha256:");
  }
  GOV_ASSIGN_OR_RETURN(int64_t total, artifact.Int("total_bytes"));
  t.artifact.total_bytes = static_cast<uint64_t>(total);
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* files, artifact.Member("files", true));
  if (!files->is_array()) return artifact.Error("files", "must be an array");
  for (size_t i = 0; i < files->size(); ++i) {
    JsonReader f((*files)[i], std::string(origin), artifact.PathOf("files") + "/" + std::to_string(i));
    FileDigest fd;
    GOV_ASSIGN_OR_RETURN(fd.path, f.String("path"));
    GOV_ASSIGN_OR_RETURN(int64_t size, f.Int("size"));
    fd.size = static_cast<uint64_t>(size);
    GOV_ASSIGN_OR_RETURN(fd.sha256, f.String("sha256"));
    t.artifact.files.push_back(std::move(fd));
  }
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* metrics, r.Member("metrics", true));
  if (!metrics->is_object()) return r.Error("metrics", "must be an object");
  for (const auto& [name, value] : metrics->items()) {
    if (!value.is_number()) return r.Error("metrics/" + name, "must be a number");
  }
  GOV_RETURN_IF_ERROR(CheckFiniteNumbers(*metrics, std::string(origin) + ": /metrics"));
  t.metrics = *metrics;
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* manifest, r.Member("manifest", true));
  if (!manifest->is_object()) return r.Error("manifest", "must be an object");
  t.manifest = *manifest;
  GOV_ASSIGN_OR_RETURN(JsonReader trainer, r.Object("trainer"));
  GOV_ASSIGN_OR_RETURN(t.trainer, trainer.String("identity"));
  GOV_ASSIGN_OR_RETURN(t.trainer_keyid, trainer.String("keyid"));
  GOV_ASSIGN_OR_RETURN(t.correlation_id, r.String("correlation_id"));
  GOV_ASSIGN_OR_RETURN(t.created_at, r.Timestamp("created_at"));
  GOV_ASSIGN_OR_RETURN(t.decision_stack, ReadDecisionStack(r));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* facts, r.Member("artifact_facts", false));
  if (!facts->is_null()) {
    GOV_ASSIGN_OR_RETURN(t.artifact_facts, ArtifactFactsFromJson(*facts, origin, "/artifact_facts"));
    const std::vector<FileFacts>& inspected = t.artifact_facts->files;
    const std::vector<FileDigest>& hashed = t.artifact.files;
    if (inspected.size() > hashed.size() ||
        (inspected.size() < hashed.size() && t.artifact_facts->incomplete.empty())) {
      return r.Error("artifact_facts/files", "must list the artifact's files (" +
                                                 std::to_string(hashed.size()) + "), not " +
                                                 std::to_string(inspected.size()));
    }
    for (size_t i = 0; i < inspected.size(); ++i) {
      if (inspected[i].path != hashed[i].path || inspected[i].size != hashed[i].size ||
          inspected[i].sha256 != hashed[i].sha256) {
        return r.Error("artifact_facts/files/" + std::to_string(i),
                       "is not the artifact's file " + hashed[i].path +
                           " (path, size and sha256 must match /artifact/files)");
      }
    }
  }
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* notes, r.Member("release_notes", false));
  if (!notes->is_null()) {
    GOV_ASSIGN_OR_RETURN(t.release_notes, ReleaseNotesFromJson(*notes, origin, "/release_notes"));
  }
  return t;
}

}  // namespace governance
