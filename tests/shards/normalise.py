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
    # latency figures are timings: their values differ run to run; its
    # sample and counts (rows_sampled, rows_refused, calls, ...) do not
    if result.get("check") == "latency":
        props = result.get("properties", {})
        timed = ("value", "p50_ms", "p95_ms", "p99_ms", "max_ms", "rows_per_s", "p99_ms_runs", "p99_increase")
        for key in list(props):
            if key.removeprefix("batch_").removeprefix("champion_") in timed:
                props.pop(key)
        result.pop("message", None)
        result.pop("histogram", None)
summary = report.get("summary")
if isinstance(summary, dict):
    summary.pop("seconds", None)
json.dump(report, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
