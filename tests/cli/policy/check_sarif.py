"""Checks that stdin is a SARIF 2.1.0 log in the shape the schema requires:
the properties it marks required, the enums it fixes, and rule indices that
point at the rule named by ruleId. (No schema validator ships with the
machine, so the checks the schema makes on what mgov writes are spelt out.)"""
import json
import sys

log = json.load(sys.stdin)
assert log["version"] == "2.1.0", log.get("version")
assert log["$schema"].endswith("sarif-2.1.0.json")
assert isinstance(log["runs"], list) and log["runs"]
for run in log["runs"]:
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    rules = driver.get("rules", [])
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for r in rules:
        assert isinstance(r["shortDescription"]["text"], str)
    assert run["results"], "expected results"
    for res in run["results"]:
        assert res["level"] in ("none", "note", "warning", "error"), res["level"]
        assert isinstance(res["message"]["text"], str)
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        for loc in res["locations"]:
            phys = loc["physicalLocation"]
            assert isinstance(phys["artifactLocation"]["uri"], str)
            if "region" in phys:
                assert phys["region"]["startLine"] >= 1
    for inv in run["invocations"]:
        assert isinstance(inv["executionSuccessful"], bool)
        assert isinstance(inv["exitCode"], int)
print("valid SARIF 2.1.0:", sum(len(r["results"]) for r in log["runs"]), "results")
