# report_norm.jq - a JSON report with what differs between two runs of the same gate on the
# same data removed: the run id, start, durations and host, and the facts that say how a
# run was sharded and merged.  Used (with jq -S) to compare a merged report with a single
# run's: t_ci_sharded.sh, t_dask.sh.
del(.facts.run_id, .facts.started_at, .facts.seconds, .facts.hostname)
| del(.results[]?.seconds)
| .facts |= with_entries(select(.key | test("shard|state|merge") | not))
