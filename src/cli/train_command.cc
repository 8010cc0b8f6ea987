// mgov train: hash an artifact, record metrics and manifest, sign a TrainingOutput.
#include "cli/command.h"
#include "core/digest.h"
#include "core/document.h"
#include "core/file.h"
#include "governance/artifact.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct TrainOptions {
  std::string model, version, artifact, key, manifest, metrics, out;
  std::string dataset_version, code_revision, evaluation_report, correlation_id;
  std::string release_notes;
  std::vector<std::string> components;  // name=value
  bool allow_empty_artifact = false;
};

StatusOr<Outcome> RunTrain(const TrainOptions& o, Context& ctx) {
  TrainingRequest req;
  req.model_id = o.model;
  req.model_version = o.version;
  req.artifact_path = o.artifact;
  req.hash_options.allow_empty = o.allow_empty_artifact;
  req.correlation_id = o.correlation_id;
  req.decision_stack.dataset_version = o.dataset_version;
  req.decision_stack.code_revision = o.code_revision;
  for (const std::string& c : o.components) {
    const size_t eq = c.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("--component " + c + ": expected NAME=VALUE, e.g. sdk=android_sdk_2.3.0");
    }
    if (!req.decision_stack.components.emplace(c.substr(0, eq), c.substr(eq + 1)).second) {
      return InvalidArgumentError("--component " + c.substr(0, eq) + " is given twice");
    }
  }
  if (!o.release_notes.empty()) {
    GOV_ASSIGN_OR_RETURN(req.release_notes, LoadReleaseNotes(o.release_notes));
  }
  if (!o.manifest.empty()) {
    GOV_ASSIGN_OR_RETURN(req.manifest, LoadDocument(o.manifest));
    if (!req.manifest.is_object()) {
      return InvalidArgumentError(o.manifest + ": a manifest must be a mapping at the top level");
    }
    GOV_RETURN_IF_ERROR(CheckFiniteNumbers(req.manifest, o.manifest));
  }
  if (!o.metrics.empty()) {
    GOV_ASSIGN_OR_RETURN(req.metrics, LoadDocument(o.metrics));
    if (!req.metrics.is_object()) {
      return InvalidArgumentError(o.metrics + ": metrics must be a mapping of name: number");
    }
    for (const auto& [name, value] : req.metrics.items()) {
      if (!value.is_number()) return InvalidArgumentError(o.metrics + ": /" + name + " must be a number");
    }
    GOV_RETURN_IF_ERROR(CheckFiniteNumbers(req.metrics, o.metrics));
  } else if (req.manifest.contains("spec") && req.manifest["spec"].is_object() &&
             req.manifest["spec"].contains("metrics") && req.manifest["spec"]["metrics"].is_object()) {
    req.metrics = req.manifest["spec"]["metrics"];
  }
  if (!o.evaluation_report.empty()) {
    GOV_ASSIGN_OR_RETURN(std::string report, ReadFile(o.evaluation_report));
    req.decision_stack.evaluation_report_digest = Sha256DigestOf(report);
  }
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  TrainingPlane training(*store, planes);
  // Written before the store commits: exit 2 then means nothing stored.
  if (!o.out.empty()) req.before_commit = WriteEnvelopeBeforeCommit(o.out);
  GOV_ASSIGN_OR_RETURN(SignedTrainingOutput out, training.Record(req, key));
  const std::string envelope = EnvelopeToJson(out.envelope) + "\n";
  if (ctx.global.json) {
    ctx.PrintJson({{"training_output_digest", out.digest},
                   {"artifact_digest", out.output.artifact.digest},
                   {"model", {{"id", out.output.model_id}, {"version", out.output.model_version}}},
                   {"correlation_id", out.output.correlation_id},
                   {"out", o.out}});
  } else if (o.out.empty()) {
    *ctx.out << envelope;
  } else {
    *ctx.out << "training output " << out.digest << "\n"
             << "artifact " << out.output.artifact.digest << " ("
             << out.output.artifact.files.size() << " file(s), " << out.output.artifact.total_bytes
             << " bytes)\nwrote " << o.out << "\n";
  }
  return Outcome::kYes;
}

}  // namespace

void AddTrainCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train", "Hash a model artifact and sign a TrainingOutput with a trainer key");
  sub->add_option("--model", o->model, "Model id")->required();
  sub->add_option("--version", o->version, "Model version")->required();
  sub->add_option("--artifact", o->artifact, "Model file or directory")->required();
  sub->add_option("--key", o->key, "Trainer private key (PEM)")->required();
  sub->add_option("--manifest", o->manifest, "Governance manifest (YAML/JSON) that policies read");
  sub->add_option("--metrics", o->metrics,
                  "Metrics (YAML/JSON name: number); default: the manifest's spec.metrics");
  sub->add_option("--out", o->out, "Write the signed TrainingOutput envelope here (default stdout)");
  sub->add_option("--dataset-version", o->dataset_version, "Decision stack: dataset version");
  sub->add_option("--code-revision", o->code_revision, "Decision stack: code revision");
  sub->add_option("--evaluation-report", o->evaluation_report,
                  "Decision stack: evaluation report file (its digest is recorded)");
  sub->add_option("--component", o->components,
                  "Decision stack: a named component NAME=VALUE (repeatable), e.g. "
                  "sdk=android_sdk_2.3.0")
      ->allow_extra_args(false);
  sub->add_option("--release-notes", o->release_notes,
                  "Release record (YAML/JSON: what_changed, why, data, channels_tested, "
                  "expected_benefits, known_risks, rollback_trigger, owners), signed into the "
                  "output; production requires owners and a rollback trigger by default");
  sub->add_flag("--allow-empty-artifact", o->allow_empty_artifact,
               "Record an empty file or a directory without files (refused by default)");
  sub->add_option("--correlation-id", o->correlation_id, "Correlation id (generated if absent)");
  sub->callback([o, &ctx] { ctx.Finish("train", RunTrain(*o, ctx)); });
}

}  // namespace governance::cli
