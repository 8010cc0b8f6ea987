package test

# Sets are unordered, so the output is not guaranteed.
# These are theoretically possible:
possibilities := {
	"1,2,3",
	"2,3,1",
	"3,1,2",
	"3,2,1",
	"2,1,3",
	"1,3,2",
}

p if {
	x := concat(",", {"1", "2", "3"})
	possibilities[x]
}
