package a

p if {
	x :=
}
