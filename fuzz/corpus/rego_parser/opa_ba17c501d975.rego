package generated

p if {
	data.generated.q = x
	x[i] = 4
}

q[k] := v if {
	data.generated.r = x
	x[k] = v
}

r[k] := v if {
	data.generated.s = x
	x[k] = v
}

r[k] := v if {
	data.generated.t = x
	x[v] = k
}

s := {"a": 1, "b": 2, "c": 4}

t := ["d", "e", "g"]
