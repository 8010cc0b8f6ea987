package generated

p := result if {
	result := {
		"pow64": sprintf("%v", [10 % 18446744073709551616]),
		"pow64_multiple": sprintf("%v", [5 % 55340232221128654848]),
		"pow128": sprintf("%v", [7 % 340282366920938463463374607431768211456]),
		"neg_pow64": sprintf("%v", [100 % -18446744073709551616]),
		"big_dividend": sprintf("%v", [18446744073709551617 % 18446744073709551616]),
		"nonzero_control": sprintf("%v", [10 % 18446744073709551617]),
	}
}
