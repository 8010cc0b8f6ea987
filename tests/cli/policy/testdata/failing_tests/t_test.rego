package t

import rego.v1

test_passes if 1 + 1 == 2

test_fails if 1 + 1 == 3
