package main

deny contains {"severity": "high"} if true
