# Rules on what mgov found in the artifact's bytes, whatever the manifest
# claims about them.
#
# input.mgov is written by mgov alone, never by the manifest: the training
# plane inspects every file of the artifact and records the facts in the
# signed training output, and approvals and re-evaluations put them in
# input.mgov.artifact (null for a training output recorded before mgov
# inspected artifacts). A manifest with its own top-level "mgov" key is
# refused at training and overwritten at evaluation. When there is no
# input.mgov at all (`mgov policy eval` without --artifact) these rules have
# nothing to judge and say nothing; approvals always carry it.
#
# Code that would run on load (a dangerous or unresolved import, a malformed
# pickle stream) is denied by plain `deny` rules, which no exception, from a
# manifest or from a bundle, can waive. The other rules are deny_<topic>
# rules like the rest of the bundle. The facts' schema and what is detected:
# docs/artifacts.md.
package model.governance

import rego.v1

# The facts, when mgov supplied them.
inspected := input.mgov.artifact if is_object(input.mgov.artifact)

# --- whether the bytes were seen at all ----------------------------------------

deny_artifact_inspection contains msg if {
	is_object(input.mgov)
	not is_object(input.mgov.artifact)
	msg := "The artifact was not inspected: the training output carries no facts about its bytes (input.mgov.artifact); record it again with `mgov train`"
}

deny_artifact_inspection contains msg if {
	some reason in inspected.incomplete
	msg := sprintf("Artifact scan incomplete: %s", [reason])
}

deny_artifact_inspection contains msg if {
	some file in inspected.files
	some reason in file.incomplete
	msg := sprintf("Artifact scan incomplete in %s: %s", [file.path, reason])
}

deny_artifact_inspection contains "Artifact scan incomplete: the facts are marked incomplete without a reason" if {
	not inspected.complete == true
	count(inspected.incomplete) == 0
	count([r | some file in inspected.files; some r in file.incomplete]) == 0
}

# --- pickle ----------------------------------------------------------------------

deny_artifact_pickle contains msg if {
	some file in inspected.files
	file.pickle == true
	locations := concat(", ", {stream.location | some stream in file.pickles})
	msg := sprintf("%s carries pickle data (detected format %s; pickle streams in %s): loading it can run code whatever the manifest declares; ship safetensors, ONNX or GGUF", [file.path, file.format, locations])
}

# module.name of an import, or what is known of an unresolved one.
global_name(imp) := sprintf("%s.%s", [imp.module, imp.name]) if {
	imp.module != ""
	imp.name != ""
} else := sprintf("an unresolved %s global", [imp.opcode])

deny contains msg if {
	some file in inspected.files
	some stream in file.pickles
	some imp in stream.imports
	imp.safety == "dangerous"
	msg := sprintf("%s imports %s in the pickle stream at %s: it can run code on load (%s)", [file.path, global_name(imp), stream.location, imp.reason])
}

deny contains msg if {
	some file in inspected.files
	some stream in file.pickles
	stream.complete == false
	msg := sprintf("%s holds a malformed pickle stream at %s (%s): an unpickler acts on it before it fails, so it counts as dangerous", [file.path, stream.location, stream.error])
}

deny_artifact_unknown_import contains msg if {
	some file in inspected.files
	some stream in file.pickles
	some imp in stream.imports
	imp.safety == "unknown"
	msg := sprintf("%s imports %s in the pickle stream at %s, which is %s", [file.path, global_name(imp), stream.location, imp.reason])
}

# --- declared formats against detected ones --------------------------------------

# The detected formats a declared spec.artifact.format accepts.
declared_format_accepts := {
	"safetensors": {"safetensors"},
	"onnx": {"onnx"},
	"gguf": {"gguf"},
	"hdf5": {"hdf5"},
	"h5": {"hdf5"},
	"keras": {"keras", "hdf5"},
	"pytorch": {"pytorch", "pickle"},
	"torch": {"pytorch", "pickle"},
	"pt": {"pytorch", "pickle"},
	"pth": {"pytorch", "pickle"},
	"ckpt": {"pytorch", "pickle"},
	"pickle": {"pickle", "joblib"},
	"pkl": {"pickle", "joblib"},
	"joblib": {"joblib", "pickle"},
	"numpy": {"npy", "npz"},
	"npy": {"npy"},
	"npz": {"npz"},
}

# File name extensions and the formats a file so named must be.
extension_formats := {
	"safetensors": {"safetensors"},
	"onnx": {"onnx"},
	"gguf": {"gguf"},
	"h5": {"hdf5"},
	"hdf5": {"hdf5"},
	"keras": {"keras"},
	"npy": {"npy"},
	"npz": {"npz"},
	"pkl": {"pickle", "joblib"},
	"pickle": {"pickle", "joblib"},
	"joblib": {"joblib", "pickle"},
	"pt": {"pytorch", "pickle"},
	"pth": {"pytorch", "pickle"},
	"ckpt": {"pytorch", "pickle"},
}

# The declared format, normalised as governance.rego does (".PT " is "pt").
declared_artifact_format := trim_prefix(lower(trim_space(input.spec.artifact.format)), ".") if {
	is_string(input.spec.artifact.format)
}

artifact_has_format(accepted) if {
	some file in inspected.files
	file.format in accepted
}

# "a.safetensors: safetensors, b.bin: pickle", the first ten files.
detected_formats := concat(", ", array.concat(
	[sprintf("%s: %s", [f.path, f.format]) | some f in array.slice(inspected.files, 0, 10)],
	[more | count(inspected.files) > 10; more := sprintf("and %d more", [count(inspected.files) - 10])]
))

deny_artifact_declared_format contains msg if {
	is_object(inspected)
	accepted := declared_format_accepts[declared_artifact_format]
	not artifact_has_format(accepted)
	msg := sprintf("The manifest declares spec.artifact.format %s, but no file of the artifact is %s by its bytes (detected %s)", [declared_artifact_format, concat(" or ", sort(accepted)), detected_formats])
}

# The lower-case extension of a path's last component ("" when none).
file_extension(path) := ext if {
	parts := split(path, "/")
	pieces := split(parts[count(parts) - 1], ".")
	count(pieces) > 1
	ext := lower(pieces[count(pieces) - 1])
} else := ""

deny_artifact_declared_format contains msg if {
	some file in inspected.files
	ext := file_extension(file.path)
	accepted := extension_formats[ext]
	not file.format in accepted
	msg := sprintf("%s is named .%s but its bytes are %s (%s)", [file.path, ext, file.format, file.detail])
}

warn_artifact_declared_format contains msg if {
	is_object(inspected)
	declared_artifact_format != ""
	not declared_format_accepts[declared_artifact_format]
	msg := sprintf("The declared artifact format %s is not one mgov recognises from bytes; only the facts about each file are judged", [declared_artifact_format])
}
