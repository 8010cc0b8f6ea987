# Unit tests of the default bundle's rules on artifact facts
# (artifact.rego); run with `mgov policy test policies/`. Same package as
# governance_test.rego; every name here starts with "facts_" or
# "test_artifact_facts_" so that the two files never collide.
package model.governance_test

import rego.v1

import data.model.governance

# Facts as the training plane records them (docs/artifacts.md).
facts_recorded(files) := {
	"scanner": "mgov-artifact-facts/v1",
	"complete": true,
	"incomplete": [],
	"files": files,
}

facts_no_opcodes := {name: 0 | some name in [
	"GLOBAL", "STACK_GLOBAL", "INST", "EXT1", "EXT2", "EXT4", "REDUCE",
	"BUILD", "OBJ", "NEWOBJ", "NEWOBJ_EX", "PERSID", "BINPERSID",
]}

facts_safetensors_file := {
	"path": "model.safetensors",
	"size": 120,
	"sha256": "3f1c5e0b7a9d2e4f6a8b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7",
	"format": "safetensors",
	"detail": "2 tensors, header 96 bytes",
	"pickle": false,
	"members": [],
	"pickles": [],
	"incomplete": [],
}

# A pickle stream importing `imports` ([[module, name, safety, reason], …]).
facts_stream(location, imports) := {
	"location": location,
	"offset": 0,
	"length": 60,
	"protocol": 4,
	"complete": true,
	"error": "",
	"imports": [{"module": i[0], "name": i[1], "opcode": "STACK_GLOBAL", "safety": i[2], "reason": i[3]} |
		some i in imports
	],
	"opcodes": object.union(facts_no_opcodes, {"STACK_GLOBAL": count(imports), "REDUCE": count(imports)}),
}

# A PyTorch zip checkpoint named model.safetensors, its data.pkl importing `imports`.
facts_hidden_pickle(imports) := object.union(facts_safetensors_file, {
	"format": "pytorch",
	"detail": "2 members",
	"pickle": true,
	"members": [
		{"location": "model.safetensors!/archive/data.pkl", "size": 60, "compressed_size": 60, "method": "stored", "format": "pickle"},
		{"location": "model.safetensors!/archive/data/0", "size": 16, "compressed_size": 16, "method": "stored", "format": "unknown"},
	],
	"pickles": [facts_stream("model.safetensors!/archive/data.pkl", imports)],
})

facts_torch_safe := [
	["collections", "OrderedDict", "safe", ""],
	["torch._utils", "_rebuild_tensor_v2", "safe", ""],
]

facts_os_system := [["posix", "system", "dangerous", "module posix is unsafe as a whole (picklescan and modelscan unsafe lists)"]]

facts_spec(format) := {"artifact": {"format": format}}

facts_judged(format, files) := {"spec": facts_spec(format), "mgov": {"artifact": facts_recorded(files)}}

# Every denial of artifact.rego for `inp`.
facts_denials(inp) := denials if {
	denials := union({
		governance.deny,
		governance.deny_artifact_inspection,
		governance.deny_artifact_pickle,
		governance.deny_artifact_unknown_import,
		governance.deny_artifact_declared_format,
	}) with input as inp
}

test_artifact_facts_clean_safetensors_passes if {
	count(facts_denials(facts_judged("safetensors", [facts_safetensors_file]))) == 0
	count(governance.warn_artifact_declared_format) == 0 with input as facts_judged("safetensors", [facts_safetensors_file])
}

test_artifact_facts_pickle_denied_whatever_the_manifest_says if {
	want := "model.safetensors carries pickle data (detected format pytorch; pickle streams in model.safetensors!/archive/data.pkl): loading it can run code whatever the manifest declares; ship safetensors, ONNX or GGUF"
	some format in ["safetensors", "pytorch", "onnx"]
	want in governance.deny_artifact_pickle with input as facts_judged(format, [facts_hidden_pickle(facts_torch_safe)])
	count(governance.deny_artifact_pickle) == 1 with input as facts_judged(format, [facts_hidden_pickle(facts_torch_safe)])
}

test_artifact_facts_pickle_denied_even_when_declared_as_pickle if {
	inp := facts_judged("pickle", [object.union(facts_hidden_pickle(facts_torch_safe), {"path": "model.pkl", "format": "pickle"})])
	count(governance.deny_artifact_pickle) == 1 with input as inp
	count(governance.deny_artifact_declared_format) == 0 with input as inp
}

test_artifact_facts_pickle_with_only_safe_imports_has_no_import_denial if {
	inp := facts_judged("pytorch", [facts_hidden_pickle(facts_torch_safe)])
	count(governance.deny) == 0 with input as inp
	count(governance.deny_artifact_unknown_import) == 0 with input as inp
}

test_artifact_facts_dangerous_import_denied_naming_global_and_file if {
	msgs := governance.deny with input as facts_judged("safetensors", [facts_hidden_pickle(facts_os_system)])
	msgs == {"model.safetensors imports posix.system in the pickle stream at model.safetensors!/archive/data.pkl: it can run code on load (module posix is unsafe as a whole (picklescan and modelscan unsafe lists))"}
}

test_artifact_facts_unresolved_import_denied if {
	unresolved := [["", "", "dangerous", "unresolved: its module is a value the walk cannot know"]]
	msgs := governance.deny with input as facts_judged("pytorch", [facts_hidden_pickle(unresolved)])
	msgs == {"model.safetensors imports an unresolved STACK_GLOBAL global in the pickle stream at model.safetensors!/archive/data.pkl: it can run code on load (unresolved: its module is a value the walk cannot know)"}
}

test_artifact_facts_unknown_import_denied_on_its_own_topic if {
	custom := [["mylib.layers", "Dense", "unknown", "not on the allow-list of torch, numpy and collections globals"]]
	inp := facts_judged("pytorch", [facts_hidden_pickle(custom)])
	count(governance.deny) == 0 with input as inp
	governance.deny_artifact_unknown_import == {"model.safetensors imports mylib.layers.Dense in the pickle stream at model.safetensors!/archive/data.pkl, which is not on the allow-list of torch, numpy and collections globals"} with input as inp
}

test_artifact_facts_malformed_stream_denied if {
	broken := object.union(facts_stream("model.pkl", []), {"complete": false, "error": "STOP at byte 3: stack underflow"})
	file := object.union(facts_safetensors_file, {"path": "model.pkl", "format": "pickle", "pickle": true, "pickles": [broken]})
	governance.deny == {"model.pkl holds a malformed pickle stream at model.pkl (STOP at byte 3: stack underflow): an unpickler acts on it before it fails, so it counts as dangerous"} with input as facts_judged("pickle", [file])
}

test_artifact_facts_declared_format_contradicting_detected_denied if {
	file := object.union(facts_safetensors_file, {"path": "model.bin", "format": "pickle", "detail": "protocol 2, 1 stream from byte 0"})
	governance.deny_artifact_declared_format == {"The manifest declares spec.artifact.format safetensors, but no file of the artifact is safetensors by its bytes (detected model.bin: pickle)"} with input as facts_judged(" .SafeTensors", [file])
}

test_artifact_facts_file_name_contradicting_detected_denied if {
	msgs := governance.deny_artifact_declared_format with input as facts_judged("pytorch", [facts_hidden_pickle(facts_torch_safe)])
	msgs == {"model.safetensors is named .safetensors but its bytes are pytorch (2 members)"}
}

test_artifact_facts_directory_with_one_safetensors_file_matches_the_declaration if {
	config := object.union(facts_safetensors_file, {"path": "config.json", "format": "unknown", "detail": ""})
	weights := object.union(facts_safetensors_file, {"path": "weights/model.safetensors"})
	count(facts_denials(facts_judged("safetensors", [config, weights]))) == 0
}

test_artifact_facts_scan_incomplete_denied if {
	file := object.union(facts_safetensors_file, {
		"path": "model.zip", "format": "zip", "detail": "1 member",
		"incomplete": ["model.zip!/big.bin decompresses to more than mgov inspects"],
	})
	inp := {"spec": facts_spec("safetensors"), "mgov": {"artifact": object.union(facts_recorded([file]), {"complete": false, "incomplete": ["the artifact has 3 files; only the first 1 (by path) were inspected"]})}}
	msgs := governance.deny_artifact_inspection with input as inp
	msgs == {
		"Artifact scan incomplete: the artifact has 3 files; only the first 1 (by path) were inspected",
		"Artifact scan incomplete in model.zip: model.zip!/big.bin decompresses to more than mgov inspects",
	}
}

test_artifact_facts_incomplete_without_reason_denied if {
	inp := {"spec": facts_spec("safetensors"), "mgov": {"artifact": object.union(facts_recorded([facts_safetensors_file]), {"complete": false})}}
	governance.deny_artifact_inspection == {"Artifact scan incomplete: the facts are marked incomplete without a reason"} with input as inp
}

test_artifact_facts_no_facts_denied if {
	want := {"The artifact was not inspected: the training output carries no facts about its bytes (input.mgov.artifact); record it again with `mgov train`"}
	governance.deny_artifact_inspection == want with input as {"spec": facts_spec("safetensors"), "mgov": {"artifact": null}}
	governance.deny_artifact_inspection == want with input as {"spec": facts_spec("safetensors"), "mgov": {}}
}

test_artifact_facts_without_mgov_the_bytes_are_not_judged if {
	count(facts_denials({"spec": facts_spec("safetensors")})) == 0
}

test_artifact_facts_unrecognised_declared_format_warns if {
	governance.warn_artifact_declared_format == {"The declared artifact format savedmodel is not one mgov recognises from bytes; only the facts about each file are judged"} with input as facts_judged("savedmodel", [facts_safetensors_file])
}
