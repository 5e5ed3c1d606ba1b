#!/usr/bin/python3
"""dask_shards.py - run one gate as N shards on a Dask cluster, then merge them.

    python3 ci/dask_shards.py GATE.json [--workers W | --scheduler ADDRESS] [--shards N]
                              [--mgate PATH] [--state-dir DIR]
                              [--junit F] [--json F] [--summary F] [--html F]

Without --scheduler it starts a LocalCluster of W worker processes (default 2, one
thread each) on this machine; with --scheduler tcp://HOST:8786 it uses that cluster's
workers.  N (default: the number of workers) tasks are submitted, task K running
`mgate run GATE.json --shard K/N --state FILE` on whichever worker the scheduler picks:
every shard computes the same plan from the files, so no task needs another's.  When all
are done, `mgate merge GATE.json STATE...` runs here with the report options given and
this script exits with its status: 0 passed, 1 a check failed, 2 nothing could be judged,
3 mgate failed.  A shard that failed is printed (its worker and stderr) and its status
is the exit status, without a merge.  Usage errors and a cluster that cannot be reached
exit 2.

Where things must be:
- mgate (--mgate, else $MGATE, else `mgate` on PATH) and GATE.json at the same path on
  every worker and here (a shared mount, or an image with mgate installed); the data the
  spec names (data.path, often a glob of part files) too, since each worker reads its
  own shard's files or byte ranges where they are.  Relative paths are made absolute
  here first.
- The states come back as bytes, the task's result (default): a state is small next to
  the data (O(1) per check plus what a check must keep, docs/sharding.md, "State"), Dask
  already carries results from workers to this client, and the workers of a remote
  cluster seldom share a writable folder with the machine that submits.  With
  --state-dir DIR (a folder every worker and this client see, e.g. on NFS) each worker
  writes its state there and returns only its path: for states too large to travel
  through the cluster's connections (rank metrics keep 16 bytes a row).

Needs Debian's python3-distributed (`apt-get install python3-distributed`).
tests/e2e/t_dask.sh runs it with 2 workers on 4 part files and compares the merged
report with a single run's.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile

REPORT_OPTIONS = ("--junit", "--json", "--summary", "--html")


def run_shard(mgate, gate, k, n, state_dir):
    """On a worker: shard K of N; returns its status, messages and state (bytes or path)."""
    out_dir = state_dir or tempfile.mkdtemp(prefix="mgate-shard-")
    path = os.path.join(out_dir, "state-%d-of-%d.json" % (k, n))
    result = {"shard": k, "worker": socket.gethostname(), "state": None, "path": None}
    try:
        proc = subprocess.run([mgate, "run", gate, "--shard", "%d/%d" % (k, n), "--state", path],
                              stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as e:  # no mgate at that path on this worker
        result.update(status=2, stderr="cannot run '%s' on this worker: %s\n" % (mgate, e))
        return result
    result.update(status=proc.returncode, stderr=proc.stderr.decode(errors="replace"))
    if proc.returncode == 0:
        if state_dir:
            result["path"] = path
        else:
            with open(path, "rb") as f:
                result["state"] = f.read()
    if not state_dir:
        shutil.rmtree(out_dir, ignore_errors=True)
    return result


def exit_status(returncode):
    """mgate's status, or 3 (mgate failed) when it was killed by a signal."""
    return returncode if returncode >= 0 else 3


def parse_args(argv):
    p = argparse.ArgumentParser(description="Run an mgate gate as N shards on Dask, then merge.")
    p.add_argument("gate", help="the gate spec (GATE.json)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    where.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--shards", type=int, help="number of shards N (default: the number of workers)")
    p.add_argument("--mgate", default=os.environ.get("MGATE") or shutil.which("mgate"),
                   help="the mgate binary, at this path on every worker (default $MGATE, else PATH)")
    p.add_argument("--state-dir", help="a folder every worker and this client see: states are written there")
    for opt in REPORT_OPTIONS:
        p.add_argument(opt, metavar="F", help="passed to mgate merge")
    args = p.parse_args(argv)
    if not args.mgate or not os.access(args.mgate, os.X_OK):
        p.error("no mgate binary: give --mgate PATH or set $MGATE (found '%s')" % args.mgate)
    if args.workers < 1 or (args.shards is not None and not 1 <= args.shards <= 4096):
        p.error("expected --workers from 1 and --shards from 1 to 4096")
    if args.state_dir and not os.path.isdir(args.state_dir):
        p.error("--state-dir '%s' is not a folder" % args.state_dir)
    args.mgate, args.gate = os.path.abspath(args.mgate), os.path.abspath(args.gate)
    args.state_dir = args.state_dir and os.path.abspath(args.state_dir)
    return args


def run_shards(client, args):
    """Every shard's result, in shard order."""
    n = args.shards or len(client.scheduler_info()["workers"])
    if n == 0:
        raise OSError("the scheduler has no workers yet; give --shards N to wait for them")
    futures = [client.submit(run_shard, args.mgate, args.gate, k, n, args.state_dir,
                             key="mgate-shard-%d-of-%d" % (k, n), pure=False)
               for k in range(1, n + 1)]
    return [f.result() for f in futures]


def write_states(results, folder):
    """The paths of the states, written into FOLDER when they came back as bytes."""
    paths = []
    for r in results:
        if r["path"]:
            paths.append(r["path"])
            continue
        path = os.path.join(folder, "state-%d.json" % r["shard"])
        with open(path, "wb") as f:
            f.write(r["state"])
        paths.append(path)
    return paths


def main(argv):
    args = parse_args(argv)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        sys.stderr.write("dask_shards: error: python3-distributed is not installed (apt-get install python3-distributed)\n")
        return 2
    try:
        if args.scheduler:
            with Client(args.scheduler, timeout="30s") as client:
                results = run_shards(client, args)
        else:
            with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                results = run_shards(client, args)
    except OSError as e:  # the scheduler cannot be reached, or the workers did not start
        sys.stderr.write("dask_shards: error: %s: %s\n" % (args.scheduler or "LocalCluster", e))
        return 2
    failed = [r for r in results if r["status"] != 0]
    for r in failed:
        sys.stderr.write("dask_shards: shard %d/%d failed on %s (exit %d):\n%s"
                         % (r["shard"], len(results), r["worker"], r["status"], r["stderr"]))
    if failed:
        return exit_status(failed[0]["status"])
    with tempfile.TemporaryDirectory(prefix="mgate-states-") as folder:
        merge = [args.mgate, "merge", args.gate] + write_states(results, folder)
        for opt in REPORT_OPTIONS:
            value = getattr(args, opt[2:])
            if value:
                merge += [opt, value]
        return exit_status(subprocess.run(merge, stdin=subprocess.DEVNULL).returncode)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
