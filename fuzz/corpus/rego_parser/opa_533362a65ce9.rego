package generated

p if {
	data.generated.q.bar[1].alice[0] = 1
}

q[k] := v if {
	data.d.e[_] = k
	v = [x | __local0__ = data.l[_].a; x = {__local0__: [1]}]
}
