#!/usr/bin/env python3
"""Whole-tree analysis as CI runs it: one tool over the whole corpus, wall time, CPU time and
peak RSS (from /usr/bin/time -v).

    python3 bench/ci_tools.py --corpus corpus.json --tool TOOL [--cache-dir DIR --cold] [--json OUT]

Tools:
  leakls-check   `leakls check ROOT...` (every root at once, as one process)
  leakls-parse   `leakls parse ROOT...`: only read and parse every file, with the same discovery
                 and threads as check: the limit of our design. Recorded as unavailable when the
                 binary has no `parse` subcommand.
  go-vet         `go vet ./...` in each module root, one after the other
  staticcheck    `staticcheck ./...` in each module root, one after the other

go vet and staticcheck run with GOCACHE (and staticcheck's STATICCHECK_CACHE and XDG_CACHE_HOME)
under --cache-dir: --cold empties it first, without --cold it is reused (warm: run cold first).
They run with GOFLAGS=-mod=readonly and GOPROXY=off so that nothing is fetched while timed
(corpus.py downloaded every module they need). Wall times of the module roots add up; the peak
RSS is the largest. Exit status 1 (findings) is normal for all of them.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import raw  # noqa: E402
from lsp_client import spec  # noqa: E402

PARSE_LINE = re.compile(r"parsed (\d+) files, (\d+) bytes, (\d+) with syntax errors in ([\d.]+) s")


def timed(argv, cwd=None, env=None):
    """Runs argv under /usr/bin/time -v. Returns the measures and the first line of stdout
    (the rest, findings, is dropped)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        t0 = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", stats.name, *argv], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              errors="replace")
        wall = time.perf_counter() - t0
        fields = dict(line.strip().rsplit(": ", 1) for line in stats if ": " in line)
    first_line = proc.stdout.splitlines()[0] if proc.stdout else ""
    return {
        "wall_s": wall,
        "user_s": float(fields.get("User time (seconds)", 0)),
        "sys_s": float(fields.get("System time (seconds)", 0)),
        "peak_rss_kb": int(fields.get("Maximum resident set size (kbytes)", 0)),
        "exit_code": proc.returncode,
        "stderr_tail": proc.stderr[-300:] if proc.returncode not in (0, 1) else "",
    }, first_line


def leakls(subcommand, roots):
    return timed([spec("leakls")[0][0], subcommand, *roots])


def leakls_parse(roots):
    r, line = leakls("parse", roots)
    m = PARSE_LINE.search(line)
    if not m:
        return {"unavailable": True, "exit_code": r["exit_code"]}
    r.update(files=int(m[1]), bytes=int(m[2]), syntax_errors=int(m[3]), reported_s=float(m[4]))
    return r


def per_module(argv, modules, cache_dir, cold):
    cache = Path(cache_dir).resolve()
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    elif not cache.exists():
        sys.exit(f"{cache}: no cache to run warm with; run --cold first")
    cache.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GOCACHE=str(cache / "go"), STATICCHECK_CACHE=str(cache / "staticcheck"),
               XDG_CACHE_HOME=str(cache / "xdg"), GOPROXY="off",
               GOFLAGS=(os.environ.get("GOFLAGS", "") + " -mod=readonly").strip())
    runs = [dict(timed(argv, cwd=m, env=env)[0], module=m) for m in modules]
    return {
        "wall_s": sum(r["wall_s"] for r in runs),
        "user_s": sum(r["user_s"] for r in runs),
        "sys_s": sum(r["sys_s"] for r in runs),
        "peak_rss_kb": max(r["peak_rss_kb"] for r in runs),
        "modules": runs,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, help="corpus.json from corpus.py")
    ap.add_argument("--tool", required=True,
                    choices=["leakls-check", "leakls-parse", "go-vet", "staticcheck"])
    ap.add_argument("--cache-dir", help="the caches of go vet and staticcheck")
    ap.add_argument("--cold", action="store_true", help="empty --cache-dir first")
    raw.add_arguments(ap)
    args = ap.parse_args()
    corpus = json.loads(Path(args.corpus).read_text())

    if args.tool == "leakls-check":
        result = leakls("check", corpus["roots"])[0]
    elif args.tool == "leakls-parse":
        result = leakls_parse(corpus["roots"])
    else:
        if not args.cache_dir:
            sys.exit("--cache-dir is needed for " + args.tool)
        # An absolute path: the tools run in each module root.
        staticcheck = shutil.which(os.environ.get("STATICCHECK", "staticcheck")) or "staticcheck"
        argv = ["go", "vet", "./..."] if args.tool == "go-vet" else \
            [os.path.abspath(staticcheck), "./..."]
        result = per_module(argv, corpus["modules"], args.cache_dir, args.cold)
    cache = "cold" if args.cold else "warm"
    result.update(kind="ci", tool=args.tool, run=args.run,
                  cache=cache if args.tool in ("go-vet", "staticcheck") else None)
    raw.emit(result, args.json)


if __name__ == "__main__":
    main()
