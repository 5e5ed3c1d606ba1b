#!/usr/bin/python3
"""An external scorer for tests/e2e/t_latency.sh: the logistic model of
fixtures/models/linear/logistic.json (argv[1]), answering each request (a
batch of rows) only after sleeping SLEEP_MS milliseconds (argv[2]); with a
third argument N it exits with status 4 on request N + 1, as a scorer that
dies under load.  Standard library only."""
import json
import math
import sys
import time


def main():
    with open(sys.argv[1]) as f:
        model = json.load(f)
    sleep_s = float(sys.argv[2]) / 1000.0
    die_after = int(sys.argv[3]) if len(sys.argv) > 3 else None
    names, weights, bias = model["features"], model["weights"], model["bias"]
    out = sys.stdout
    out.write(json.dumps({"features": names, "task": "binary"}) + "\n")
    out.flush()
    requests = 0
    replies = []
    pending = 0
    for line in sys.stdin:
        req = json.loads(line)
        if "batch" in req:
            requests += 1
            if die_after is not None and requests > die_after:
                sys.stderr.write("slow_scorer.py: out of memory on request %d\n" % requests)
                sys.exit(4)
            pending = req["batch"]
            replies = []
            continue
        z = bias + sum(w * float(req["features"][n]) for n, w in zip(names, weights))
        replies.append(json.dumps({"id": req["id"], "prediction": 1.0 / (1.0 + math.exp(-z))}))
        if len(replies) == pending:
            time.sleep(sleep_s)
            out.write("\n".join(replies) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
