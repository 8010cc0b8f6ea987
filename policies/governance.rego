# Default mgov governance policy for model manifests.
#
# Conventions (conftest): every deny_<topic> rule yields messages that block
# approval; warn_<topic> rules yield messages that do not. A manifest
# exception annotation naming <topic> (or deny_<topic>) waives deny_<topic>
# while unexpired; see docs/policy.md.
#
# Thresholds and allow-lists come from data.governance (policies/data.yaml).
package model.governance

import rego.v1

cfg := data.governance

limits := cfg.thresholds

spec := object.get(input, "spec", {})

# --- quality -----------------------------------------------------------------

deny_accuracy contains msg if {
	acc := spec.metrics.accuracy
	acc < limits.min_accuracy
	msg := sprintf("Model accuracy %.2f is below minimum threshold %.2f", [acc, limits.min_accuracy])
}

deny_f1_score contains msg if {
	f1 := spec.metrics.f1_score
	f1 < limits.min_f1_score
	msg := sprintf("Model F1 score %.2f is below minimum threshold %.2f", [f1, limits.min_f1_score])
}

warn_latency contains msg if {
	p95 := spec.metrics.latency_p95_ms
	p95 > limits.max_latency_p95_ms
	msg := sprintf("Model latency p95 %vms exceeds target %vms", [p95, limits.max_latency_p95_ms])
}

# --- fairness and drift --------------------------------------------------------

deny_fairness contains "Model must include fairness/bias evaluation metrics" if {
	not spec.fairness
}

deny_demographic_parity contains msg if {
	dp := spec.fairness.demographic_parity
	dp > limits.max_demographic_parity
	msg := sprintf("Demographic parity %.2f exceeds acceptable threshold %.2f", [dp, limits.max_demographic_parity])
}

deny_drift contains msg if {
	score := spec.drift.score
	score > limits.max_drift_score
	msg := sprintf("Model drift score %.2f exceeds critical threshold", [score])
}

# --- supply chain --------------------------------------------------------------

# The package name of a requirement such as "scikit-learn>=1.4" or
# "uvicorn[standard]==0.29", lower-cased (PEP 508 names: letters, digits, . _ -).
dependency_name(dep) := lower(regex.find_n(`^\s*[A-Za-z0-9][A-Za-z0-9._-]*`, dep, 1)[0])

deny_dependency contains msg if {
	some dep in spec.dependencies
	name := trim_space(dependency_name(dep))
	not name in cfg.approved_dependencies
	msg := sprintf("Unapproved dependency: %s", [name])
}

deny_framework contains msg if {
	framework := spec.model.framework
	not lower(framework) in cfg.approved_frameworks
	msg := sprintf("Framework %s is not approved for production", [framework])
}

deny_framework contains "Model framework must be declared (spec.model.framework)" if {
	not spec.model.framework
}

deny_artifact_format contains msg if {
	format := lower(spec.artifact.format)
	format in cfg.pickle_formats
	msg := sprintf("Artifact format %s is pickle-based and may execute code on load; use safetensors or ONNX", [format])
}

deny_artifact_format contains msg if {
	format := lower(spec.artifact.format)
	format in cfg.torch_formats
	not spec.artifact.weights_only == true
	msg := sprintf("Artifact format %s is pickle-based unless saved weights-only (set spec.artifact.weights_only: true)", [format])
}

# --- lineage -------------------------------------------------------------------

deny_experiment contains "Model must be linked to a tracked experiment (MLflow/W&B)" if {
	not has_experiment
}

has_experiment if trim_space(spec.model.experiment_id) != ""

approved_source(source) if source.approved == true

deny_data_source contains msg if {
	some source in spec.data_sources
	not approved_source(source)
	msg := sprintf("Data source %s is not approved", [object.get(source, "name", "<unnamed>")])
}

# --- documentation -------------------------------------------------------------

deny_model_card contains "Model card is required (spec.documentation.model_card)" if {
	not spec.documentation.model_card
}

deny_model_card contains msg if {
	card := spec.documentation.model_card
	some field in cfg.model_card_required_fields
	is_empty(object.get(card, field, null))
	msg := sprintf("Model card field %s must not be empty", [field])
}

is_empty(null)

is_empty(v) if trim_space(v) == ""

is_empty(v) if {
	not is_string(v)
	count(v) == 0
}
