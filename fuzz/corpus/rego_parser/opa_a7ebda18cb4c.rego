package generated

p := result if {
	result := {
		"add": sprintf("%v", [18446744073709551617 + 1]),
		"sub": sprintf("%v", [18446744073709551617 - 1]),
		"mul": sprintf("%v", [18446744073709551617 * 2]),
		"big_add": sprintf("%v", [123456789012345678901234567890 + 1]),
		"neg_sub": sprintf("%v", [-18446744073709551617 - 1]),
		"small_add": sprintf("%v", [2 + 3]),
		"float_add": sprintf("%v", [1.5 + 2.5]),
		"mixed_add": sprintf("%v", [1 + 2.5]),
		"float_mul": sprintf("%v", [2.5 * 2]),
	}
}
