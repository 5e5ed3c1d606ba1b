#!/usr/bin/env python3
"""Prints a JSON report without what differs between runs of the same gate
on the same data: timings, the run id, the start time, the host, and the
overrides.  Used to compare a sharded run's merged report with one run's."""
import json
import sys

report = json.load(open(sys.argv[1]))
# A file split into byte ranges has no SHA-256 in a merge (no shard read it
# whole): the caller says to leave the fingerprint out of the comparison.
if "--no-data-sha256" in sys.argv[2:]:
    report.get("facts", {}).pop("data_sha256", None)
for key in ("run_id", "started_at", "seconds", "hostname"):
    report.get("facts", {}).pop(key, None)
for result in report.get("results", []):
    result.pop("seconds", None)
    # latency figures are timings: their values differ run to run
    if result.get("check") == "latency":
        result.pop("properties", None)
        result.pop("message", None)
        result.pop("histogram", None)
summary = report.get("summary")
if isinstance(summary, dict):
    summary.pop("seconds", None)
json.dump(report, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
