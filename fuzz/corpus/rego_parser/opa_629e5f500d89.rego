package partial.topdown

p contains ["c", "x", 0, x41] if {
	data.topdown.a.b.c.x[0] = x41
}

p contains ["c", "x", 1, x41] if {
	data.topdown.a.b.c.x[1] = x41
}

p contains ["c", "z", "a", x41] if {
	data.topdown.a.b.c.z.a = x41
}

p contains [
	"c", "p", 0,
	1,
]

p contains [
	"c", "p", 1,
	2,
]

p contains [
	"c", "q", 0,
	3,
]

p contains [
	"c", "q", 1,
	4,
]

p contains [
	"c", "r",
	"a", 1,
]

p contains [
	"c", "r",
	"b", 2,
]

p contains [
	"c", "s", "w",
	{"f": 10, "g": 9.9},
]

p contains [
	"c", "undefined2", "p",
	true,
] if {
	input.foo
}

p contains ["c", "x", 0, x41] if {
	data.topdown.a.b.c.x[0] = x41
}

p contains ["c", "x", 1, x41] if {
	data.topdown.a.b.c.x[1] = x41
}

p contains ["c", "z", "a", x41] if {
	data.topdown.a.b.c.z.a = x41
}

p contains [
	"c", "p", 0,
	1,
]

p contains [
	"c", "p", 1,
	2,
]

p contains [
	"c", "q", 0,
	3,
]

p contains [
	"c", "q", 1,
	4,
]

p contains [
	"c", "r",
	"a", 1,
]

p contains [
	"c", "r",
	"b", 2,
]

p contains [
	"c", "s", "w",
	{"f": 10, "g": 9.9},
]

p contains [
	"c", "undefined2", "p",
	true,
] if {
	input.foo
}
