package generated

q := __local0__ if {
	true
	__local0__ = data.test
}

p := x if {
	data.generated.q = x with data.test.a as {"d": 3}
}
