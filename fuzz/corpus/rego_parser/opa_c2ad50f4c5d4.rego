package topdown

p contains [x1, x2, x3, x4] if {
	data.topdown.a.b[x1][x2][x3] = x4
}

q contains [x1, x2, x3] if {
	data.topdown.a.b[x1][x2][0] = x3
}

r contains [x1, x2] if {
	data.topdown.a.b[x1] = x2
}

s := __local1__ if {
	true
	__local1__ = data.topdown.no
}

t := __local2__ if {
	true
	__local2__ = data.topdown.a.b.c.undefined1
}

u := __local3__ if {
	true
	__local3__ = data.topdown.missing.input.value
}

v := __local4__ if {
	true
	__local4__ = data.topdown.g
}

w := __local5__ if {
	true
	__local5__ = data.topdown.set
}

iterate_ground contains x if {
	data.topdown.virtual.constants[x] = 1
}
