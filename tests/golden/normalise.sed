# normalise.sed - the fixed part of the golden filter (tests/golden/README.md,
# "What is normalised").  Applied to stdout, stderr and every output file,
# after run.sh has replaced the run's absolute paths and mgate's version.
# Each rule names the one field it blanks, so a figure the gate computed is
# never hidden.  JUnit values stay valid for junit-10.xsd.

# JUnit: durations, the suite's start time and host.
s/ time="[0-9.,]*"/ time="0"/g
s/ timestamp="[^"]*"/ timestamp="1970-01-01T00:00:00"/g
s/ hostname="[^"]*"/ hostname="HOST"/g
s/<property name="started_at" value="[^"]*"/<property name="started_at" value="%TIMESTAMP%"/g

# JSON reports and baselines: when, how long, where.
s/"\(started_at\|created_at\)": "[^"]*"/"\1": "%TIMESTAMP%"/g
s/"seconds": [-+0-9.eE]\+/"seconds": "%SECONDS%"/g
s/"hostname": "[^"]*"/"hostname": "%HOST%"/g

# Markdown summary: "... · started 2026-12-02T04:59:19 UTC · 0.001 s · ...".
s/ · started [0-9T:-]* UTC · [0-9.]* s · / · started %TIMESTAMP% UTC · %SECONDS% s · /g

# The run id (32 hex digits; a sha256 has 64 and is kept).
s/\b[0-9a-f]\{32\}\b/%RUN_ID%/g
