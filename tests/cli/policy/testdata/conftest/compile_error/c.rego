package c

p := nope_function(1)
