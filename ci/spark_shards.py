#!/usr/bin/python3
"""spark_shards.py - run one gate as N shards on Spark executors, then merge on the driver.

NOT RUN ON SPARK BY THE TESTS: Spark is not a Debian package.  tests/e2e/t_ci_sharded.sh
compiles this file and runs its code with a stand-in for the four pyspark calls it makes
(tests/e2e/pyspark_standin, one process): that checks the mgate command lines, states and
exit statuses, not Spark.  The Dask example (ci/dask_shards.py) is the one tested on a
real cluster.

    spark-submit --master yarn --deploy-mode client \\
        --files /usr/local/bin/mgate,gate/gate.json,gate/baseline.json \\
        ci/spark_shards.py gate.json --shards 16 \\
        --junit mgate-reports/mgate.xml --json mgate-reports/mgate.json \\
        --summary mgate-reports/mgate.md --html mgate-reports/mgate.html

- `--files` ships the mgate binary, the spec and every file the spec names by a relative
  path (baseline, model) to each executor's and the driver's SparkFiles folder, side by
  side (basenames: so the spec's relative paths still resolve).  The positional argument
  is the spec's name as shipped.  mgate must run on the executors' OS: build it on the
  same distribution and install its libraries there (`sh ci/install-deps.sh --runtime`).
- The data is not shipped: the spec's data.path must be an absolute path (often a glob of
  part files) on a file system every executor mounts at the same place (NFS, a FUSE
  mount of object storage).  Each task reads only its shard's files or byte ranges.
- `parallelize(range(N), N)` makes N partitions; `mapPartitionsWithIndex` runs partition
  i as `mgate run SPEC --shard i+1/N --state FILE` and returns the state's bytes (a state
  is small next to the data; mind spark.driver.maxResultSize for rank metrics, 16 bytes
  a row).  A retried or speculative task recomputes the same state: shards are pure.
- The driver collects the states in shard order, writes them to a temporary folder and
  runs `mgate merge` with the report options, then exits with its status (0 passed,
  1 a check failed, 2 nothing could be judged, 3 mgate failed); a failed shard is
  printed and its status returned without a merge.  spark-submit passes a Python
  driver's exit status on in client deploy mode (--deploy-mode client), which is what
  lets a CI job gate on it.

The same with `rdd.pipe`: `sc.parallelize(["1/16", ...], 16).pipe("sh run-shard.sh")`
with a shell script that reads K/N on stdin and prints the state base64-encoded; this
script uses mapPartitionsWithIndex to return bytes and statuses without the encoding.
"""
import argparse
import os
import socket
import stat
import subprocess
import sys
import tempfile

REPORT_OPTIONS = ("--junit", "--json", "--summary", "--html")


def exit_status(returncode):
    """mgate's status, or 3 (mgate failed) when it was killed by a signal."""
    return returncode if returncode >= 0 else 3


def shipped(name):
    """The path of a file shipped with --files, on this executor or the driver."""
    from pyspark import SparkFiles
    return SparkFiles.get(name)


def executable(path):
    """PATH with its execute bit set: --files does not always keep it."""
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def shard_task(spec, n):
    """The function each partition runs: partition i is shard i+1 of N."""
    def run(index, _rows):
        k = index + 1
        with tempfile.TemporaryDirectory(prefix="mgate-shard-") as folder:
            state = os.path.join(folder, "state.json")
            try:
                proc = subprocess.run([executable(shipped("mgate")), "run", shipped(spec),
                                       "--shard", "%d/%d" % (k, n), "--state", state],
                                      stdin=subprocess.DEVNULL, capture_output=True)
            except OSError as e:  # the shipped binary cannot run here (another OS, libraries)
                yield (k, 2, socket.gethostname(), "cannot run the shipped mgate: %s\n" % e, None)
                return
            data = None
            if proc.returncode == 0:
                with open(state, "rb") as f:
                    data = f.read()
        yield (k, proc.returncode, socket.gethostname(), proc.stderr.decode(errors="replace"), data)
    return run


def parse_args(argv):
    p = argparse.ArgumentParser(description="Run an mgate gate as N shards on Spark, then merge on the driver.")
    p.add_argument("spec", help="the spec's file name as shipped with --files (e.g. gate.json)")
    p.add_argument("--shards", type=int, help="number of shards N (default: spark.default.parallelism)")
    for opt in REPORT_OPTIONS:
        p.add_argument(opt, metavar="F", help="passed to mgate merge")
    args = p.parse_args(argv)
    if args.shards is not None and not 1 <= args.shards <= 4096:
        p.error("expected --shards from 1 to 4096")
    return args


def merge(args, results):
    """mgate merge on the driver over the collected states; its exit status."""
    with tempfile.TemporaryDirectory(prefix="mgate-states-") as folder:
        states = []
        for k, _, _, _, data in results:
            states.append(os.path.join(folder, "state-%d.json" % k))
            with open(states[-1], "wb") as f:
                f.write(data)
        command = [executable(shipped("mgate")), "merge", shipped(args.spec)] + states
        for opt in REPORT_OPTIONS:
            if getattr(args, opt[2:]):
                command += [opt, getattr(args, opt[2:])]
        return exit_status(subprocess.run(command, stdin=subprocess.DEVNULL).returncode)


def main(argv):
    args = parse_args(argv)
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.appName("mgate gate (sharded)").getOrCreate()
    try:
        sc = spark.sparkContext
        n = args.shards or sc.defaultParallelism
        results = sorted(sc.parallelize(range(n), n).mapPartitionsWithIndex(shard_task(args.spec, n)).collect())
        failed = [r for r in results if r[1] != 0]
        for k, status, host, stderr, _ in failed:
            sys.stderr.write("spark_shards: shard %d/%d failed on %s (exit %d):\n%s" % (k, n, host, status, stderr))
        if failed:
            return exit_status(failed[0][1])
        return merge(args, results)
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
