# Rules on the release record: what the trainer signed about a release
# (mgov train --release-notes), which mgov puts in input.mgov.release_notes
# (null when there is none) beside input.mgov.environments, the
# environments the decision is for. Both are written by mgov alone, never by
# the manifest. When there is no input.mgov at all (`mgov policy eval`
# without --artifact or --environment) these rules have nothing to judge.
#
# In the environments data.governance.release_record_environments lists
# (production by default) a release must say who answers for it and when it
# is rolled back, before it ships. The record's fields: docs/release-notes.md.
package model.governance

import rego.v1

release_facts := as_object(object.get(input, "mgov", null))

release_notes := as_object(object.get(release_facts, "release_notes", null))

# The environments of this decision that require a release record.
release_record_environments contains env if {
	some env in as_array(object.get(release_facts, "environments", null))
	env in cfg.release_record_environments
}

has_release_notes if is_object(object.get(release_facts, "release_notes", null))

deny_release_notes contains msg if {
	some env in release_record_environments
	not has_release_notes
	msg := sprintf("A release record is required for %s: record the model again with `mgov train --release-notes FILE` naming owners and a rollback trigger", [env])
}

deny_release_notes contains msg if {
	some env in release_record_environments
	has_release_notes
	count([owner |
		some owner in as_array(object.get(release_notes, "owners", null))
		is_string(owner)
		trim_space(owner) != ""
	]) == 0
	msg := sprintf("The release record must name its owners for %s (release notes: owners)", [env])
}

deny_release_notes contains msg if {
	some env in release_record_environments
	has_release_notes
	not release_text(release_notes, "rollback_trigger")
	msg := sprintf("The release record must state a rollback trigger for %s (release notes: rollback_trigger)", [env])
}

# The non-blank text of field `name` of the record.
release_text(notes, name) := text if {
	text := trim_space(object.get(notes, name, ""))
	text != ""
}
