package generated

p contains x if {
	data.generated.q[_0][0].c[_1] = x
}

q[k] := v if {
	data.d.e[_0] = k
	v = [r | r = data.l[_1]]
}
