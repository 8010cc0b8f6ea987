# Default mgov governance policy for model manifests.
#
# Conventions (conftest): every deny_<topic> rule yields messages that block
# approval; warn_<topic> rules yield messages that do not. A manifest
# exception annotation naming <topic> (or deny_<topic>) waives deny_<topic>
# while unexpired; see docs/policy.md.
#
# Every field is checked for its type before it is used: a value of the wrong
# type (accuracy "0.10", data_sources given as a string) is a denial naming
# the field, never a builtin error or a rule that silently does not apply.
#
# Thresholds and allow-lists come from data.governance (policies/data.yaml).
package model.governance

import rego.v1

cfg := data.governance

limits := cfg.thresholds

# The value, when it is an object; else an empty one, so that lookups below
# are undefined rather than errors.
as_object(x) := x if {
	is_object(x)
} else := {}

# The value, when it is an array; else an empty one.
as_array(x) := x if {
	is_array(x)
} else := []

spec := as_object(object.get(input, "spec", {}))

metrics := as_object(object.get(spec, "metrics", null))

model := as_object(object.get(spec, "model", null))

artifact := as_object(object.get(spec, "artifact", null))

dependencies := as_array(object.get(spec, "dependencies", null))

data_sources := as_array(object.get(spec, "data_sources", null))

# --- the manifest's shape --------------------------------------------------------

deny_manifest contains "The manifest must be a mapping with a spec mapping" if {
	not is_object(object.get(input, "spec", null))
}

# A field that is present but of the wrong type.
deny_manifest contains msg if {
	some field, want in {
		"fairness": "object", "drift": "object", "model": "object",
		"artifact": "object", "documentation": "object", "dependencies": "array",
		"data_sources": "array",
	}
	value := spec[field]
	type_name(value) != want
	msg := sprintf("spec.%s must be %s %s, not %s", [field, article(want), want, type_name(value)])
}

article("array") := "an"

article("object") := "an"

# --- quality -----------------------------------------------------------------

deny_metrics contains "Model metrics are required (spec.metrics: a mapping of name to number)" if {
	not is_object(object.get(spec, "metrics", null))
}

deny_metrics contains msg if {
	some name, value in metrics
	not is_number(value)
	msg := sprintf("Metric %s must be a number, not %s %v", [name, type_name(value), value])
}

deny_accuracy contains "Model accuracy is required (spec.metrics.accuracy, a number)" if {
	not is_number(object.get(metrics, "accuracy", null))
}

deny_accuracy contains msg if {
	acc := metrics.accuracy
	is_number(acc)
	acc < limits.min_accuracy
	msg := sprintf("Model accuracy %.2f is below minimum threshold %.2f", [acc, limits.min_accuracy])
}

deny_f1_score contains "Model F1 score is required (spec.metrics.f1_score, a number)" if {
	not is_number(object.get(metrics, "f1_score", null))
}

deny_f1_score contains msg if {
	f1 := metrics.f1_score
	is_number(f1)
	f1 < limits.min_f1_score
	msg := sprintf("Model F1 score %.2f is below minimum threshold %.2f", [f1, limits.min_f1_score])
}

warn_latency contains msg if {
	p95 := metrics.latency_p95_ms
	is_number(p95)
	p95 > limits.max_latency_p95_ms
	msg := sprintf("Model latency p95 %vms exceeds target %vms", [p95, limits.max_latency_p95_ms])
}

# --- fairness and drift --------------------------------------------------------

deny_fairness contains "Model must include fairness/bias evaluation metrics" if {
	not is_object(object.get(spec, "fairness", null))
}

deny_demographic_parity contains msg if {
	dp := spec.fairness.demographic_parity
	not is_number(dp)
	msg := sprintf("Demographic parity must be a number, not %s %v", [type_name(dp), dp])
}

deny_demographic_parity contains msg if {
	dp := spec.fairness.demographic_parity
	is_number(dp)
	dp > limits.max_demographic_parity
	msg := sprintf("Demographic parity %.2f exceeds acceptable threshold %.2f", [dp, limits.max_demographic_parity])
}

deny_drift contains msg if {
	score := spec.drift.score
	not is_number(score)
	msg := sprintf("Drift score must be a number, not %s %v", [type_name(score), score])
}

deny_drift contains msg if {
	score := spec.drift.score
	is_number(score)
	score > limits.max_drift_score
	msg := sprintf("Model drift score %.2f exceeds critical threshold", [score])
}

# --- supply chain --------------------------------------------------------------

# A PEP 508 requirement from a package index: a name, optional [extras], an
# optional version specifier list and an optional "; marker". Direct
# references ("torch @ https://…"), VCS or file URLs, paths and pip options
# do not match: they install whatever the URL serves, not the named package.
requirement_pattern := `^\s*[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\s*(\[\s*[A-Za-z0-9._-]+(\s*,\s*[A-Za-z0-9._-]+)*\s*\])?\s*(\(?\s*(===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+(\s*,\s*(===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+)*\s*\)?)?\s*(;[^@]*)?$`

# The normalised package name of a requirement (PEP 503: lower case, runs
# of "-", "_" and "." as one "-").
dependency_name(dep) := name if {
	raw := regex.find_n(`^\s*[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`, dep, 1)[0]
	name := concat("-", [part |
		some part in regex.split(`[-_.]+`, lower(trim_space(raw)))
	])
}

deny_dependency contains msg if {
	some dep in dependencies
	not is_string(dep)
	msg := sprintf("Dependency %v must be a requirement string, not %s", [dep, type_name(dep)])
}

deny_dependency contains msg if {
	some dep in dependencies
	is_string(dep)
	not regex.match(requirement_pattern, dep)
	msg := sprintf("Dependency %q is not a plain requirement from the package index (name, extras, versions, markers); direct URLs, paths and pip options are not allowed", [dep])
}

deny_dependency contains msg if {
	some dep in dependencies
	is_string(dep)
	regex.match(requirement_pattern, dep)
	name := dependency_name(dep)
	not name in cfg.approved_dependencies
	msg := sprintf("Unapproved dependency: %s", [name])
}

deny_framework contains msg if {
	framework := model.framework
	is_string(framework)
	not lower(trim_space(framework)) in cfg.approved_frameworks
	msg := sprintf("Framework %s is not approved for production", [framework])
}

deny_framework contains "Model framework must be declared (spec.model.framework, a string)" if {
	not is_string(object.get(model, "framework", null))
}

# The declared format, normalised: lower case, no surrounding space, no
# leading dot (".PKL " is "pkl").
artifact_format := trim_prefix(lower(trim_space(artifact.format)), ".") if is_string(artifact.format)

deny_artifact_format contains "Artifact format must be declared (spec.artifact.format, a string such as safetensors)" if {
	not artifact_format
}

deny_artifact_format contains "Artifact format must be declared (spec.artifact.format, a string such as safetensors)" if {
	artifact_format == ""
}

deny_artifact_format contains msg if {
	artifact_format in cfg.pickle_formats
	msg := sprintf("Artifact format %s is pickle-based and may execute code on load; use safetensors or ONNX", [artifact_format])
}

deny_artifact_format contains msg if {
	artifact_format in cfg.torch_formats
	not artifact.weights_only == true
	msg := sprintf("Artifact format %s is pickle-based unless saved weights-only (set spec.artifact.weights_only: true)", [artifact_format])
}

# --- lineage -------------------------------------------------------------------

deny_experiment contains "Model must be linked to a tracked experiment (MLflow/W&B)" if {
	not has_experiment
}

has_experiment if {
	is_string(model.experiment_id)
	trim_space(model.experiment_id) != ""
}

deny_data_source contains "Training data sources must be declared (spec.data_sources, a non-empty list)" if {
	count(data_sources) == 0
}

deny_data_source contains msg if {
	some source in data_sources
	not is_object(source)
	msg := sprintf("Data source %v must be a mapping with name and approved, not %s", [source, type_name(source)])
}

deny_data_source contains msg if {
	some source in data_sources
	is_object(source)
	not source.approved == true
	msg := sprintf("Data source %v is not approved", [object.get(source, "name", "<unnamed>")])
}

# --- documentation -------------------------------------------------------------

deny_model_card contains "Model card is required (spec.documentation.model_card)" if {
	not spec.documentation.model_card
}

deny_model_card contains msg if {
	card := spec.documentation.model_card
	not is_object(card)
	msg := sprintf("Model card must be a mapping of its fields, not %s", [type_name(card)])
}

deny_model_card contains msg if {
	card := spec.documentation.model_card
	is_object(card)
	some field in cfg.model_card_required_fields
	is_empty(object.get(card, field, null))
	msg := sprintf("Model card field %s must not be empty", [field])
}

is_empty(null)

is_empty(v) if {
	is_string(v)
	trim_space(v) == ""
}

is_empty(v) if {
	not is_string(v)
	not is_null(v)
	is_collection(v)
	count(v) == 0
}

is_empty(v) if {
	not is_null(v)
	not is_string(v)
	not is_collection(v)
}

is_collection(v) if is_array(v)

is_collection(v) if is_object(v)

is_collection(v) if is_set(v)
