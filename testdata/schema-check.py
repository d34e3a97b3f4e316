#!/usr/bin/env python3
"""Validates JSON documents against contrib/checkup.schema.json with the jsonschema package
(draft 2020-12), for SchemaTests.

Usage: schema-check.py SCHEMA < cases.json, where cases.json is a list of
{"name": ..., "instance": <JSON>, "def": "checker"?} (with "def", the instance is checked against
that member of $defs). Prints a list of {"name": ..., "errors": ["path: message", ...]} and exits
0; exits 2 when the schema itself is not a valid draft 2020-12 schema."""
import json
import sys

import jsonschema
from jsonschema import Draft202012Validator

with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
try:
    Draft202012Validator.check_schema(schema)
except jsonschema.exceptions.SchemaError as e:
    print(f"the schema is not valid: {e.message}", file=sys.stderr)
    sys.exit(2)

out = []
for case in json.load(sys.stdin):
    target = schema
    if case.get("def"):
        target = {"$ref": "#/$defs/" + case["def"], "$defs": schema["$defs"]}
    validator = Draft202012Validator(target)
    errors = sorted(validator.iter_errors(case["instance"]), key=lambda e: list(e.absolute_path))
    out.append({"name": case["name"],
                "errors": ["/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in errors]})
json.dump(out, sys.stdout)
