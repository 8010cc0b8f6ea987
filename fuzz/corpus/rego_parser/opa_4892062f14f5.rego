package generated

p contains x if {
	data.generated.q[i][j] = x
}

q := {x: {x1: 1}, y: {y1: 2}} if {
	x = "a"
	y = "b"
	x1 = "a1"
	y1 = "b1"
}
