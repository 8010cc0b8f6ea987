package main

exception contains rules if {
	input.metadata.name == "trusted"
	rules := ["privileged"]
}
