# Unit tests of the default bundle's rules on the release record
# (release.rego); run with `mgov policy test policies/`. Every name here
# starts with "release_" or "test_release_" so that it never collides with
# the other test files of the package.
package model.governance_test

import rego.v1

import data.model.governance

release_complete := {
	"what_changed": "Retrained on Q3 transactions.",
	"why": "Recall fell since June.",
	"data": ["transactions_2024q3@v7"],
	"channels_tested": ["web"],
	"expected_benefits": [],
	"known_risks": [],
	"rollback_trigger": "precision below 0.90 over 24 h",
	"owners": ["risk-ml@example.com"],
}

release_input(envs, notes) := {"spec": {}, "mgov": {"artifact": null, "environments": envs, "release_notes": notes}}

test_release_complete_record_passes_production if {
	count(governance.deny_release_notes) == 0 with input as release_input(["staging", "production"], release_complete)
}

test_release_record_required_for_production if {
	governance.deny_release_notes == {"A release record is required for production: record the model again with `mgov train --release-notes FILE` naming owners and a rollback trigger"} with input as release_input(["staging", "production"], null)
}

test_release_record_not_required_for_staging if {
	count(governance.deny_release_notes) == 0 with input as release_input(["staging"], null)
}

test_release_owners_required if {
	governance.deny_release_notes == {"The release record must name its owners for production (release notes: owners)"} with input as release_input(["production"], object.union(release_complete, {"owners": []}))
}

test_release_blank_owner_is_no_owner if {
	count(governance.deny_release_notes) == 1 with input as release_input(["production"], object.union(release_complete, {"owners": ["  "]}))
}

test_release_rollback_trigger_required if {
	governance.deny_release_notes == {"The release record must state a rollback trigger for production (release notes: rollback_trigger)"} with input as release_input(["production"], object.union(release_complete, {"rollback_trigger": " \n"}))
}

test_release_environments_come_from_data if {
	count(governance.deny_release_notes) == 1 with input as release_input(["staging"], null)
		with data.governance.release_record_environments as ["staging"]
}

test_release_nothing_to_judge_without_mgov_facts if {
	count(governance.deny_release_notes) == 0 with input as {"spec": {}}
}
