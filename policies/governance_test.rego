# Unit tests of the default governance policy; run with `mgov policy test policies/`.
package model.governance_test

import rego.v1

import data.model.governance

valid_spec := {
	"model": {"name": "fraud-detector", "version": "1.4.0", "framework": "pytorch", "experiment_id": "mlflow-4821"},
	"metrics": {"accuracy": 0.93, "f1_score": 0.88, "latency_p95_ms": 42},
	"fairness": {"demographic_parity": 0.04},
	"drift": {"score": 0.12},
	"dependencies": ["torch>=2.1", "numpy>=1.26", "scikit-learn>=1.4", "uvicorn[standard]>=0.29"],
	"data_sources": [{"name": "transactions_2024", "approved": true}],
	"artifact": {"format": "safetensors"},
	"documentation": {"model_card": {
		"intended_use": "Flag transactions for review.",
		"limitations": "EU data only.",
		"owners": ["risk-ml@example.com"],
	}},
}

patched(p) := {"spec": object.union(valid_spec, p)}

without(field) := {"spec": object.remove(valid_spec, [field])}

all_denials := union({
	governance.deny_manifest,
	governance.deny_metrics,
	governance.deny_accuracy,
	governance.deny_f1_score,
	governance.deny_fairness,
	governance.deny_demographic_parity,
	governance.deny_drift,
	governance.deny_dependency,
	governance.deny_framework,
	governance.deny_experiment,
	governance.deny_data_source,
	governance.deny_artifact_format,
	governance.deny_model_card,
})

test_valid_manifest_has_no_denials if {
	count(all_denials) == 0 with input as {"spec": valid_spec}
}

test_valid_manifest_has_no_warnings if {
	count(governance.warn_latency) == 0 with input as {"spec": valid_spec}
}

test_accuracy_below_threshold if {
	"Model accuracy 0.78 is below minimum threshold 0.85" in governance.deny_accuracy with input as patched({"metrics": {"accuracy": 0.78}})
}

test_accuracy_at_threshold_passes if {
	count(governance.deny_accuracy) == 0 with input as patched({"metrics": {"accuracy": 0.85}})
}

test_accuracy_threshold_comes_from_data if {
	count(governance.deny_accuracy) == 1 with input as {"spec": valid_spec}
		with data.governance.thresholds.min_accuracy as 0.95
}

test_f1_below_threshold if {
	"Model F1 score 0.75 is below minimum threshold 0.80" in governance.deny_f1_score with input as patched({"metrics": {"f1_score": 0.75}})
}

test_fairness_section_required if {
	"Model must include fairness/bias evaluation metrics" in governance.deny_fairness with input as without("fairness")
}

test_demographic_parity_above_threshold if {
	"Demographic parity 0.15 exceeds acceptable threshold 0.10" in governance.deny_demographic_parity with input as patched({"fairness": {"demographic_parity": 0.15}})
}

test_drift_above_threshold if {
	"Model drift score 0.45 exceeds critical threshold" in governance.deny_drift with input as patched({"drift": {"score": 0.45}})
}

test_drift_at_threshold_passes if {
	count(governance.deny_drift) == 0 with input as patched({"drift": {"score": 0.30}})
}

test_unapproved_dependency if {
	"Unapproved dependency: requests" in governance.deny_dependency with input as patched({"dependencies": ["torch>=2.1", "requests>=2.31"]})
}

test_dependency_names_are_parsed if {
	governance.dependency_name("uvicorn[standard]>=0.29") == "uvicorn"
	governance.dependency_name("scikit-learn") == "scikit-learn"
	governance.dependency_name("NumPy == 1.26") == "numpy"
}

test_unapproved_framework if {
	"Framework jax is not approved for production" in governance.deny_framework with input as patched({"model": {"framework": "jax"}})
}

test_experiment_required if {
	"Model must be linked to a tracked experiment (MLflow/W&B)" in governance.deny_experiment with input as {"spec": object.union(object.remove(valid_spec, ["model"]), {"model": object.remove(valid_spec.model, ["experiment_id"])})}
}

test_experiment_must_not_be_blank if {
	count(governance.deny_experiment) == 1 with input as patched({"model": {"experiment_id": "  "}})
}

test_unapproved_data_source if {
	"Data source crm_raw is not approved" in governance.deny_data_source with input as patched({"data_sources": [{"name": "crm_raw", "approved": false}]})
}

test_data_source_without_approval_flag_is_denied if {
	"Data source crm_raw is not approved" in governance.deny_data_source with input as patched({"data_sources": [{"name": "crm_raw"}]})
}

test_pickle_artifact_denied if {
	count(governance.deny_artifact_format) == 1 with input as patched({"artifact": {"format": "joblib"}})
}

test_torch_checkpoint_needs_weights_only if {
	count(governance.deny_artifact_format) == 1 with input as patched({"artifact": {"format": "pt"}})
	count(governance.deny_artifact_format) == 0 with input as patched({"artifact": {"format": "pt", "weights_only": true}})
}

test_model_card_field_must_not_be_empty if {
	"Model card field limitations must not be empty" in governance.deny_model_card with input as patched({"documentation": {"model_card": {"limitations": ""}}})
}

test_model_card_owners_must_not_be_empty if {
	"Model card field owners must not be empty" in governance.deny_model_card with input as patched({"documentation": {"model_card": {"owners": []}}})
}

test_model_card_required if {
	"Model card is required (spec.documentation.model_card)" in governance.deny_model_card with input as without("documentation")
}

test_latency_warning if {
	"Model latency p95 250ms exceeds target 200ms" in governance.warn_latency with input as patched({"metrics": {"latency_p95_ms": 250}})
}

# --- types: a value of the wrong type is a denial, never a rule that vanishes --

test_accuracy_as_a_string_is_denied if {
	"Model accuracy is required (spec.metrics.accuracy, a number)" in governance.deny_accuracy with input as patched({"metrics": {"accuracy": "0.10"}})
	"Metric accuracy must be a number, not string 0.10" in governance.deny_metrics with input as patched({"metrics": {"accuracy": "0.10"}})
}

test_metrics_are_required if {
	"Model metrics are required (spec.metrics: a mapping of name to number)" in governance.deny_metrics with input as without("metrics")
	"Model accuracy is required (spec.metrics.accuracy, a number)" in governance.deny_accuracy with input as without("metrics")
	"Model F1 score is required (spec.metrics.f1_score, a number)" in governance.deny_f1_score with input as without("metrics")
}

test_metrics_as_a_list_is_denied if {
	"Model metrics are required (spec.metrics: a mapping of name to number)" in governance.deny_metrics with input as patched({"metrics": [0.99]})
}

test_f1_score_is_required if {
	count(governance.deny_f1_score) == 1 with input as {"spec": object.union(object.remove(valid_spec, ["metrics"]), {"metrics": {"accuracy": 0.93}})}
}

test_direct_url_dependency_is_denied if {
	deps := ["torch @ https://evil.example/torch-2.1.whl", "git+https://evil.example/numpy.git", "-e .", "./vendor/pandas", "--index-url https://evil.example/simple", "numpy>=1.26; python_version >= '3.9' @ x"]
	every dep in deps {
		msg := sprintf("Dependency %q is not a plain requirement from the package index (name, extras, versions, markers); direct URLs, paths and pip options are not allowed", [dep])
		msg in governance.deny_dependency with input as patched({"dependencies": [dep]})
	}
	not "Unapproved dependency: torch" in governance.deny_dependency with input as patched({"dependencies": ["torch @ https://evil.example/torch-2.1.whl"]})
}

test_dependency_specs_from_the_index_pass if {
	deps := ["torch", "torch>=2.1,<3", "uvicorn[standard]>=0.29", "Scikit_Learn==1.4.2", "numpy (>=1.26)", "pandas==2.1.4; python_version >= \"3.9\"", "  fastapi~=0.110  "]
	count(governance.deny_dependency) == 0 with input as patched({"dependencies": deps})
}

test_dependency_names_are_normalised if {
	governance.dependency_name("Scikit_Learn==1.4.2") == "scikit-learn"
	governance.dependency_name("scikit.learn") == "scikit-learn"
	governance.dependency_name("  TORCH ") == "torch"
}

test_dependency_that_is_not_a_string_is_denied if {
	"Dependency {\"name\": \"torch\"} must be a requirement string, not object" in governance.deny_dependency with input as patched({"dependencies": [{"name": "torch"}]})
	"spec.dependencies must be an array, not string" in governance.deny_manifest with input as patched({"dependencies": "torch"})
}

test_artifact_format_is_normalised if {
	every format in ["pickle ", " PICKLE", ".pkl", "Joblib"] {
		count(governance.deny_artifact_format) == 1 with input as patched({"artifact": {"format": format}})
	}
	count(governance.deny_artifact_format) == 0 with input as patched({"artifact": {"format": " SafeTensors "}})
}

test_artifact_format_is_required if {
	msg := "Artifact format must be declared (spec.artifact.format, a string such as safetensors)"
	msg in governance.deny_artifact_format with input as without("artifact")
	msg in governance.deny_artifact_format with input as patched({"artifact": {"format": ""}})
	msg in governance.deny_artifact_format with input as patched({"artifact": {"format": ["safetensors"]}})
}

test_data_sources_as_a_string_is_denied if {
	"spec.data_sources must be an array, not string" in governance.deny_manifest with input as patched({"data_sources": "transactions_2024"})
	"Training data sources must be declared (spec.data_sources, a non-empty list)" in governance.deny_data_source with input as patched({"data_sources": "transactions_2024"})
}

test_data_sources_are_required if {
	"Training data sources must be declared (spec.data_sources, a non-empty list)" in governance.deny_data_source with input as without("data_sources")
	count(governance.deny_data_source) == 1 with input as patched({"data_sources": []})
}

test_data_source_that_is_not_a_mapping_is_denied if {
	"Data source transactions_2024 must be a mapping with name and approved, not string" in governance.deny_data_source with input as patched({"data_sources": ["transactions_2024"]})
}

test_data_source_approved_must_be_true_not_truthy if {
	count(governance.deny_data_source) == 1 with input as patched({"data_sources": [{"name": "x", "approved": "yes"}]})
}

test_numbers_of_the_wrong_type_are_denied if {
	"Demographic parity must be a number, not string 0.01" in governance.deny_demographic_parity with input as patched({"fairness": {"demographic_parity": "0.01"}})
	"Drift score must be a number, not boolean false" in governance.deny_drift with input as patched({"drift": {"score": false}})
	"Model framework must be declared (spec.model.framework, a string)" in governance.deny_framework with input as patched({"model": {"framework": ["pytorch"]}})
	"Model must be linked to a tracked experiment (MLflow/W&B)" in governance.deny_experiment with input as patched({"model": {"experiment_id": 4821}})
	"Model card must be a mapping of its fields, not string" in governance.deny_model_card with input as patched({"documentation": {"model_card": "see wiki"}})
}

test_a_manifest_without_spec_is_denied if {
	"The manifest must be a mapping with a spec mapping" in governance.deny_manifest with input as {"spec": "everything is fine"}
	"The manifest must be a mapping with a spec mapping" in governance.deny_manifest with input as ["spec"]
}

# Wrong types everywhere at once still give denials (tests/policy/bundle_test.cc
# evaluates the same input strictly: no builtin error either).
test_wrong_types_everywhere_still_evaluate if {
	count(all_denials) > 5 with input as {"spec": {
		"metrics": "high", "fairness": 1, "drift": [], "model": "m", "artifact": true,
		"documentation": 3, "dependencies": {"torch": 1}, "data_sources": 7,
	}}
}
