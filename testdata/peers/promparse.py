#!/usr/bin/env python3
"""Parses Prometheus text exposition format from standard input with prometheus_client's own
parser (what Prometheus' Python clients and tools use) and prints one JSON document:
{"families": {name: type}, "samples": [[name, {label: value}, value], ...]}.
A text the parser refuses exits 1 with its error on standard error."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
families = {}
samples = []
try:
    for family in text_string_to_metric_families(text):
        families[family.name] = family.type
        for s in family.samples:
            if s.timestamp is not None:
                sys.exit("sample with a timestamp: %s" % (s.name,))
            value = s.value if math.isfinite(s.value) else str(s.value)
            samples.append([s.name, s.labels, value])
except Exception as error:  # the parser raises ValueError and others for bad text
    sys.exit("not valid exposition text: %r" % (error,))
print(json.dumps({"families": families, "samples": samples}))
