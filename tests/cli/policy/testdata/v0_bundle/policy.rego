package model.governance

deny[msg] {
	input.spec.model.name == "fraud-detector"
	msg := "v0 says no"
}
