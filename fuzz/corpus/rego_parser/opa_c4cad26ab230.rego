package generated

r := __local0__ if {
	true
	__local0__ = data.test
}

q := x if {
	data.generated.r = x with data.test.a.c as 2
}

p := x if {
	data.generated.q = x with data.test.a.b as 1
}
