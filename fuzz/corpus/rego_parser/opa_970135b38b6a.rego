package generated

p contains x if {
	__local0__ = data.generated.q[3]
	__local1__ = data.generated.q[2]
	x = {"a": [__local0__], "b": [__local1__]}
}

q[i] := x if {
	data.a[i] = x
}
