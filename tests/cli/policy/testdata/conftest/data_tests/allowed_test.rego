package main_test

# Needs --data: data.allowed comes from testdata/conftest/data/allowed.yaml.
test_nginx_is_allowed if data.allowed.images["nginx:1.25"]
