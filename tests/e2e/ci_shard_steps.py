#!/usr/bin/python3
"""ci_shard_steps.py - reads the sharded CI examples under ci/ the way their CI would,
for tests/e2e/t_ci_sharded.sh: it checks their structure and prints the shell steps of
one shard job and of the merge job as scripts (taken from the example, never retyped).

  ci_shard_steps.py check KIND FILE       checks FILE; prints N, the number of shards
  ci_shard_steps.py shard KIND FILE K     the script of shard K's job
  ci_shard_steps.py merge KIND FILE       the script of the merge job
      KIND: github (ci/github-actions-sharded.yml), gitlab (ci/gitlab-ci-sharded.yml),
            jenkins (ci/Jenkinsfile.sharded)

What stands in for the CI's artifact store is a folder, $ARTIFACTS, that the scripts
read and write: actions/upload-artifact and download-artifact, GitLab's `artifacts:
paths` and `needs:`, and Jenkins' `stash` and `unstash` become copies to and from it.
Checkouts are left out (the script runs in a copy of the repository).  Run steps run as
their CI runs them (`sh -e -c`, bash with pipefail on GitHub), in order; GitHub steps
with `if: always()` run after a failure too; the script exits with the first failing
status.  Anything the emulation does not know (an expression, a step, a Groovy
statement) is an error naming it (exit 2), never skipped: a broken or lenient example
fails the test instead of running something else.  YAML is read with Debian's
python3-yaml; the Jenkinsfile (Groovy) with regular expressions over its blocks, which
is all the example needs (one `sh '...'` per line).
"""
import re
import shlex
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the tests for the import below
from ci_steps import die, load_yaml, script, step_line  # noqa: E402

LENIENT = re.compile(r"returnStatus|\|\|\s*true|catchError|propagate:\s*false|allow_failure|continue-on-error")


def q(text):
    return shlex.quote(str(text))


def guarded(line, always=False):
    """A step in a script that remembers the first failing status in $rc."""
    if always:
        return "%s || { [ $rc -ne 0 ] || rc=$?; }" % line
    return "if [ $rc -eq 0 ]; then %s || rc=$?; fi" % line


def job_script(lines, exports):
    body = ["rc=0"] + lines + ["exit $rc"]
    return script(body, exports)


def run_line(shell, text):
    return step_line(shell, text).rsplit(" || exit $?", 1)[0]


# ---- GitHub Actions --------------------------------------------------------

def gh_jobs(path):
    doc = load_yaml(path)
    jobs = doc.get("jobs") or {}
    for name in ("shard", "merge", "promote"):
        if not isinstance(jobs.get(name), dict):
            die("%s: no job '%s'" % (path, name))
    return doc, jobs


def gh_check(path):
    doc, jobs = gh_jobs(path)
    shard, merge, promote = jobs["shard"], jobs["merge"], jobs["promote"]
    values = ((shard.get("strategy") or {}).get("matrix") or {}).get("shard")
    n = int((doc.get("env") or {}).get("SHARDS", 0))
    if values != list(range(1, n + 1)):
        die("%s: matrix.shard %s is not 1..SHARDS (SHARDS: %d)" % (path, values, n))
    if LENIENT.search(str(jobs)):
        die("%s: a job or step is lenient (%s)" % (path, LENIENT.search(str(jobs)).group(0)))
    runs = " ".join(str(s.get("run", "")) for s in shard.get("steps", []))
    if '--shard "${{ matrix.shard }}/$SHARDS" --state' not in runs:
        die("%s: job 'shard' runs no `mgate run --shard \"${{ matrix.shard }}/$SHARDS\" --state`" % path)
    if "shard" not in gh_list(merge.get("needs")):
        die("%s: job 'merge' does not need 'shard'" % path)
    if "merge" not in gh_list(promote.get("needs")):
        die("%s: job 'promote' does not need 'merge'" % path)
    if re.search(r"always\(\)|failure\(\)|cancelled\(\)", str(promote.get("if", ""))):
        die("%s: job 'promote' would run after a failed merge (if: %s)" % (path, promote["if"]))
    if not any("mgate merge" in str(s.get("run", "")) for s in merge.get("steps", [])):
        die("%s: job 'merge' runs no `mgate merge`" % path)
    reporters = [s for s in merge.get("steps", []) if "junit-report" in str(s.get("uses", ""))]
    if not reporters or reporters[0].get("if") != "always()":
        die("%s: job 'merge' publishes no JUnit report with if: always()" % path)
    return n


def gh_list(v):
    return v if isinstance(v, list) else [v]


def gh_expand(text, matrix, path):
    def one(m):
        expr = m.group(1).strip()
        if expr.startswith("matrix.") and expr[7:] in matrix:
            return str(matrix[expr[7:]])
        die("%s: cannot evaluate ${{ %s }}" % (path, expr))
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))


def gh_step(step, matrix, path):
    """The shell text of one step, or None for a step that has no local effect."""
    uses = str(step.get("uses", ""))
    w = {k: gh_expand(v, matrix, path) for k, v in (step.get("with") or {}).items()}
    if "run" in step:
        return run_line(step.get("shell", "bash"), gh_expand(step["run"], matrix, path))
    if uses.startswith("actions/checkout@") or "junit-report" in uses:
        return None  # the repository is the working folder; the reporter only shows
    if uses.startswith("actions/upload-artifact@"):
        # The artifact holds the file, or the folder's contents (upload-artifact keeps
        # paths below the folder named).
        dest = '"$ARTIFACTS"/%s' % q(w["name"])
        missing = "exit 1" if w.get("if-no-files-found") == "error" else "true"
        return ("sh -e -c %s" % q('[ -e %s ] || { echo "no files at %s" >&2; %s; }; mkdir -p %s; '
                                  'if [ -d %s ]; then cp -R %s/. %s/; elif [ -e %s ]; then cp %s %s/; fi'
                                  % (q(w["path"]), w["path"], missing, dest, q(w["path"]), q(w["path"]),
                                     dest, q(w["path"]), q(w["path"]), dest)))
    if uses.startswith("actions/download-artifact@"):
        if not w.get("pattern") or str(w.get("merge-multiple")).lower() != "true":
            die("%s: download-artifact without pattern and merge-multiple: true" % path)
        return ("sh -e -c %s" % q('set -- "$ARTIFACTS"/%s; [ -e "$1" ] || { echo "no artifact %s" >&2; exit 1; }; '
                                  'mkdir -p %s; for a; do cp -R "$a"/. %s/; done'
                                  % (w["pattern"], w["pattern"], q(w["path"]), q(w["path"]))))
    die("%s: step '%s' cannot run here" % (path, step.get("name", uses)))


def gh_script(path, job_name, matrix):
    doc, jobs = gh_jobs(path)
    exports = dict(doc.get("env") or {})
    lines = []
    for step in jobs[job_name].get("steps", []):
        text = gh_step(step, matrix, path)
        if text is not None:
            lines.append(guarded(text, step.get("if") == "always()"))
    return job_script(lines, exports)


# ---- GitLab CI -------------------------------------------------------------

def gl_job(doc, name, path):
    job = doc.get(name)
    if not isinstance(job, dict):
        die("%s: no job '%s'" % (path, name))
    parent = job.get("extends")
    if parent:
        merged = dict(gl_job(doc, parent, path))
        merged.update(job)
        return merged
    return job


def gl_check(path):
    doc = load_yaml(path)
    shard, merge, promote = (gl_job(doc, n, path) for n in ("gate-shard", "gate-merge", "promote"))
    n = shard.get("parallel")
    if not isinstance(n, int) or n < 2:
        die("%s: gate-shard has no parallel: N" % path)
    for name, job in (("gate-shard", shard), ("gate-merge", merge), ("promote", promote)):
        if LENIENT.search(str(job)):
            die("%s: job '%s' is lenient (%s)" % (path, name, LENIENT.search(str(job)).group(0)))
        if job.get("stage") not in doc.get("stages", []):
            die("%s: stage of job '%s' is not in 'stages'" % (path, name))
    if not any('--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL" --state' in s for s in shard.get("script", [])):
        die('%s: gate-shard runs no `mgate run --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL" --state`' % path)
    if merge.get("needs") != ["gate-shard"] or promote.get("needs") != ["gate-merge"]:
        die("%s: expected gate-merge needs [gate-shard] and promote needs [gate-merge]" % path)
    art = merge.get("artifacts") or {}
    if art.get("when") != "always" or "junit" not in (art.get("reports") or {}):
        die("%s: gate-merge must keep its reports when: always, with reports: junit" % path)
    if not any("mgate merge" in s for s in merge.get("script", [])):
        die("%s: gate-merge runs no `mgate merge`" % path)
    return n


def gl_script(path, job_name, k=None):
    doc = load_yaml(path)
    job = gl_job(doc, job_name, path)
    exports = dict(doc.get("variables") or {})
    exports.update(job.get("variables") or {})
    lines = []
    if k is not None:
        exports.update(CI_NODE_INDEX=k, CI_NODE_TOTAL=job["parallel"])
    for need in job.get("needs") or []:  # the artifacts of every job needed (all parallel copies)
        lines.append(guarded("sh -e -c %s" % q('for a in "$ARTIFACTS"/%s-*/; do cp -R "$a". .; done' % need)))
    for s in (job.get("before_script") or []) + job["script"]:
        lines.append(guarded(run_line("sh", s)))
    art = job.get("artifacts") or {}
    if k is not None:
        dest = '"$ARTIFACTS"/%s-%d' % (job_name, k)
        for p in art.get("paths", []):
            lines.append(guarded("sh -e -c %s" % q('mkdir -p %s; cp -R --parents %s %s/' % (dest, p.rstrip("/"), dest))))
    return job_script(lines, exports)


# ---- Jenkins ---------------------------------------------------------------

def jk_text(path):
    """The Jenkinsfile without its // comments (a URL's // follows a colon, not a blank)."""
    with open(path, encoding="utf-8") as f:
        return "\n".join(re.sub(r"(^|\s)//.*$", "", line) for line in f.read().splitlines())


def jk_block(text, start, path, what):
    """The text inside the braces that open at or after `start`, strings skipped."""
    i = text.find("{", start)
    if i < 0:
        die("%s: no block after %s" % (path, what))
    depth, j, quote = 0, i, None
    while j < len(text):
        c = text[j]
        if quote:
            if c == "\\":
                j += 1
            elif c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1: j]
        j += 1
    die("%s: unclosed block after %s" % (path, what))


def jk_env(text, path):
    m = re.search(r"environment\s*\{", text)
    if not m:
        die("%s: no environment block" % path)
    return dict(re.findall(r"(\w+)\s*=\s*'([^']*)'", jk_block(text, m.start(), path, "environment")))


def jk_stage(text, name, path):
    m = re.search(r"stage\('%s'\)" % re.escape(name), text)
    if not m:
        die("%s: no stage('%s')" % (path, name))
    return jk_block(text, m.end(), path, "stage('%s')" % name)


def jk_steps(block, path, what):
    m = re.search(r"\bsteps\s*\{", block)
    if not m:
        die("%s: %s has no steps" % (path, what))
    return jk_block(block, m.start(), path, what + " steps")


def jk_shards(text, path):
    """{K: the stage's text} of the parallel 'Shard K' stages, each with SHARD = 'K'."""
    par = jk_stage(text, "Shards", path)
    m = re.search(r"\bparallel\s*\{", par)
    if not m:
        die("%s: stage('Shards') has no parallel block" % path)
    par = jk_block(par, m.start(), path, "parallel")
    shards = {}
    for sm in re.finditer(r"stage\('([^']+)'\)", par):
        body = jk_block(par, sm.end(), path, sm.group(1))
        km = re.search(r"environment\s*\{\s*SHARD\s*=\s*'(\d+)'\s*\}", body)
        if not km or sm.group(1) != "Shard %s" % km.group(1):
            die("%s: parallel stage('%s') does not set SHARD = 'K' as its name says" % (path, sm.group(1)))
        shards[int(km.group(1))] = body
    return shards


def jk_interpolate(s, env, path):
    def one(m):
        name = m.group(1) or m.group(2)
        name = name[4:] if name.startswith("env.") else name
        if name not in env:
            die("%s: cannot evaluate ${%s}" % (path, name))
        return env[name]
    return re.sub(r"\$\{([\w.]+)\}|\$(\w+)", one, s)


def jk_statements(body, text, env, path):
    """Shell lines for the statements of a steps block or function, calls inlined."""
    out = []
    for raw in body.splitlines():
        line = re.sub(r"^\s*(//.*)?", "", raw).strip()
        line = re.sub(r"\s+//[^'\"]*$", "", line)
        if not line:
            continue
        if re.fullmatch(r"sh '([^']*)'", line):
            out.append(guarded(run_line("sh", line[4:-1])))
        elif re.fullmatch(r"echo '[^']*'", line):
            continue
        elif re.fullmatch(r"(script \{ )?\w+\(\)( \})?", line):  # a function of the file
            name = re.search(r"(\w+)\(\)", line).group(1)
            fn = re.search(r"^def %s\(\)\s*\{(.*?)^\}" % name, text, re.S | re.M)
            if not fn:
                die("%s: no function %s()" % (path, name))
            out += jk_statements(fn.group(1), text, env, path)
        elif re.fullmatch(r"stash name: \"([^\"]+)\", includes: '([^']+)'", line):
            name, inc = re.fullmatch(r"stash name: \"([^\"]+)\", includes: '([^']+)'", line).groups()
            dest = '"$ARTIFACTS"/stash-%s' % jk_interpolate(name, env, path)
            out.append(guarded("sh -e -c %s" % q('set -- %s; [ -e "$1" ] || { echo "stash: no files" >&2; exit 1; }; '
                                                 'rm -rf %s; mkdir -p %s; cp --parents "$@" %s/' % (inc, dest, dest, dest))))
        elif re.fullmatch(r"unstash '([^']+)'", line):
            src = '"$ARTIFACTS"/stash-%s' % line[9:-1]
            out.append(guarded("sh -e -c %s" % q('[ -d %s ] || { echo "no stash %s" >&2; exit 1; }; cp -R %s/. .'
                                                 % (src, line[9:-1], src))))
        else:
            die("%s: cannot run the Groovy statement: %s" % (path, line))
    return out


def jk_check(path):
    text = jk_text(path)
    env = jk_env(text, path)
    shards = jk_shards(text, path)
    n = int(env.get("SHARDS", 0))
    if sorted(shards) != list(range(1, n + 1)):
        die("%s: the 'Shard K' stages are %s, not 1..SHARDS (SHARDS = '%d')" % (path, sorted(shards), n))
    if LENIENT.search(text):
        die("%s: a step is lenient (%s)" % (path, LENIENT.search(text).group(0)))
    merge = jk_stage(text, "Merge", path)
    unstashed = sorted(re.findall(r"unstash '([^']+)'", merge))
    if unstashed != sorted("mgate-state-%d" % k for k in shards):
        die("%s: stage('Merge') unstashes %s, not mgate-state-1..%d" % (path, unstashed, n))
    if "mgate merge" not in jk_steps(merge, path, "stage('Merge')"):
        die("%s: stage('Merge') runs no `mgate merge`" % path)
    post = re.search(r"post\s*\{\s*always\s*\{[^}]*junit testResults: 'mgate-reports/mgate.xml'", merge)
    if not post:
        die("%s: stage('Merge') publishes no JUnit report in post { always { } }" % path)
    when = jk_stage(text, "Promote", path)
    if "currentBuild.currentResult == 'SUCCESS'" not in when:
        die("%s: stage('Promote') is not guarded by the build's result" % path)
    return n


def jk_script(path, k=None):
    text = jk_text(path)
    env = jk_env(text, path)
    if k is None:
        block, what = jk_stage(text, "Merge", path), "stage('Merge')"
    else:
        shards = jk_shards(text, path)
        if k not in shards:
            die("%s: no stage('Shard %d')" % (path, k))
        block, what = shards[k], "stage('Shard %d')" % k
        env["SHARD"] = str(k)
    return job_script(jk_statements(jk_steps(block, path, what), text, env, path), env)


def main(argv):
    if len(argv) < 4:
        die("usage: ci_shard_steps.py check|shard|merge KIND FILE [K]")
    mode, kind, path = argv[1:4]
    check = {"github": gh_check, "gitlab": gl_check, "jenkins": jk_check}.get(kind)
    if check is None:
        die("unknown kind '%s'" % kind)
    n = check(path)
    if mode == "check":
        print(n)
    elif mode == "shard" and len(argv) == 5 and 1 <= int(argv[4]) <= n:
        k = int(argv[4])
        if kind == "github":
            sys.stdout.write(gh_script(path, "shard", {"shard": k}))
        elif kind == "gitlab":
            sys.stdout.write(gl_script(path, "gate-shard", k))
        else:
            sys.stdout.write(jk_script(path, k))
    elif mode == "merge":
        if kind == "github":
            sys.stdout.write(gh_script(path, "merge", {}))
        elif kind == "gitlab":
            sys.stdout.write(gl_script(path, "gate-merge"))
        else:
            sys.stdout.write(jk_script(path))
    else:
        die("usage: ci_shard_steps.py check|shard|merge KIND FILE [K from 1 to %d]" % n)


if __name__ == "__main__":
    main(sys.argv)
