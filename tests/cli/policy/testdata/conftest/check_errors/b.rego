package b
q := [1, 2
