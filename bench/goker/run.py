#!/usr/bin/env python3
"""Recall of leakls's `goroutine-leak` findings on Go's own goroutine-leak test program:
$(go env GOROOT)/src/runtime/testdata/testgoroutineleakprofile (the micro tests of simple.go,
the six LeakProf patterns of commonpatterns.go, and the GoKer kernels of goker/), scored
against the leaks runtime/goroutineleakprofile_test.go expects. Nobody here wrote either.

    python3 bench/goker/run.py [--leakls BIN] [--goroot DIR] [--list missed|found|all]

An expected leak counts as found when leakls reports `goroutine-leak` on a line of the function
it names (F.func1 is F's first function literal, as the compiler names it), outside the function
literals nested in it (those are other goroutines), or on such a line of a function of the
program it calls by name (a method by its name, when the file declares one method of that
name): the leaking goroutine's stack holds that frame above it, and the operation that blocks
may be there (`--list found` says which matches came through a callee). The finding must say
the goroutine waits on what the profile says it waits on: a channel, a mutex, a WaitGroup or a
Cond. Recall is printed per group; for the GoKer
kernels also for the channel leaks alone (waiting in `chan send`, `chan receive` or `select`),
and for those whose whole leak is visible in one file (bench/goker/scope.tsv says which: reached
by name, without dispatch through interfaces or function values, aliasing, counts or timing).
Findings that match no expected leak are listed too: in a test such as NoLeakGlobal they are
false. The answer key comes from bench/goker/expected/main.go (go run, standard library only).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CHANNEL = ("chan send", "chan receive", "select")


def expected(goroot):
    out = subprocess.run(["go", "run", str(ROOT / "bench/goker/expected/main.go"), goroot],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def findings(leakls, program, goroot):
    """leakls's findings on a copy of the program made a module of its own: in place it is
    test data of the standard library, which leakls (like the go command) does not check.
    Each GoKer kernel goes in a package of its own, as in GoBench, where every kernel is a
    program apart: merged into one package, 64 unrelated programs' field names would meet, and
    a check that asks whether anything in the package uses a field would hear of the others'."""
    go_line = re.search(r"^go (\S+)", (Path(goroot) / "src/go.mod").read_text(), re.M)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "testgoroutineleakprofile"
        shutil.copytree(program, copy)
        (copy / "go.mod").write_text(f"module testgoroutineleakprofile\n\ngo {go_line[1]}\n")
        for kernel in sorted((copy / "goker").glob("*.go")):
            (kernel.parent / kernel.stem).mkdir()
            kernel.rename(kernel.parent / kernel.stem / kernel.name)
        found = run_check(leakls, copy)
        for f in found:
            f["path"] = re.sub(r"^(\./)?goker/[^/]+/", "./goker/", f["path"])
        return found


def run_check(leakls, program):
    out = subprocess.run([leakls, "check", "--format", "json", "."], cwd=program,
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"run.py: leakls check failed ({out.returncode}): {out.stderr.strip()}")
    return [f for f in json.loads(out.stdout or "[]") if f["code"] == "goroutine-leak"]


def waits_on(wait_reason):
    """What a goroutine the profile lists is blocked on: channel, mutex, waitgroup or cond."""
    if wait_reason.startswith(CHANNEL):
        return "channel"
    if "WaitGroup" in wait_reason:
        return "waitgroup"
    if "Cond" in wait_reason:
        return "cond"
    return "mutex"


def reported_wait(finding):
    """The same, for what a finding says blocks."""
    message = finding["message"]
    if message.startswith(("this receive", "this send", "this select")):
        return "channel"  # it may go on to name the mutex held meanwhile
    if "`Lock`" in message or "mutex" in message or "already held" in message:
        return "mutex"
    if "WaitGroup" in message or ".Done`" in message:
        return "waitgroup"
    if "`Signal`" in message:
        return "cond"
    return "channel"


def scopes():
    """bench/goker/scope.tsv: for each expected channel leak of the kernels, what its proof
    needs (`function`, `file` or `beyond`), read from the kernel by hand."""
    out = {}
    for line in (ROOT / "bench/goker/scope.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        test, func, wait, scope, _why = line.split("\t")
        out[(test, func, wait)] = scope
    return out


def inside(f, file, start, end, inner):
    path = f["path"].removeprefix("./")
    line = f["line"]
    return path == file and start <= line <= end and not any(a <= line <= b for a, b in inner)


def found_by(leak, found):
    """The finding that reports this leak, and the callee it is in (None: in the function)."""
    if not leak.get("file"):
        return None, None
    found = [f for f in found if reported_wait(f) == waits_on(leak["wait_reason"])]
    for f in found:
        if inside(f, leak["file"], leak["start"], leak["end"], leak.get("inner", [])):
            return f, None
    for c in leak.get("callees", []):
        for f in found:
            if inside(f, c["file"], c["start"], c["end"], c.get("inner", [])):
                return f, c["func"] + ("" if c["depth"] == 1 else f" ({c['depth']} calls down)")
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--leakls", default=str(ROOT / "target/release/leakls"))
    ap.add_argument("--goroot", default=subprocess.run(["go", "env", "GOROOT"], capture_output=True,
                                                       text=True).stdout.strip())
    ap.add_argument("--list", choices=["missed", "found", "all"])
    args = ap.parse_args()
    program = Path(args.goroot) / "src/runtime/testdata/testgoroutineleakprofile"
    leaks = expected(args.goroot)
    found = findings(args.leakls, program, args.goroot)
    used = set()
    scope = scopes()
    rows = defaultdict(lambda: [0, 0])
    listed = []
    for leak in leaks:
        hit, callee = found_by(leak, found)
        if hit:
            used.add((hit["path"], hit["line"], hit["column"]))
        groups = [leak["group"]]
        if leak["group"] == "gokerTestCases" and leak["wait_reason"].startswith(CHANNEL):
            groups.append("gokerTestCases (channel leaks)")
            key = (leak["test"], leak["func"], leak["wait_reason"])
            if key not in scope:
                sys.exit(f"run.py: {key} is not in bench/goker/scope.tsv")
            if scope[key] in ("function", "file"):
                groups.append("gokerTestCases (channel, one file)")
        for g in groups:
            rows[g][0] += bool(hit)
            rows[g][1] += 1
        if args.list == "all" or (args.list == "found") == bool(hit) and args.list:
            via = f" (in {callee}, which it calls)" if callee else ""
            listed.append(f"{'found ' if hit else 'missed'} {leak['test']:28} {leak['func']:50} "
                          f"[{leak['wait_reason']}]{via}")
    if len(scope) != sum(1 for leak in leaks if leak["group"] == "gokerTestCases"
                         and leak["wait_reason"].startswith(CHANNEL)):
        sys.exit("run.py: bench/goker/scope.tsv lists leaks the test does not expect")
    print(f"{'group':36} {'found':>6} {'expected':>8} {'recall':>7}")
    for g in sorted(rows):
        n, total = rows[g]
        print(f"{g:36} {n:6d} {total:8d} {100 * n / total:6.1f}%")
    unmatched = [f for f in found if (f["path"], f["line"], f["column"]) not in used]
    print(f"\n{len(found)} goroutine-leak findings, {len(unmatched)} matching no expected leak")
    for f in unmatched:
        print(f"  {f['path']}:{f['line']}: {f['message']}")
    for line in listed:
        print(line)


if __name__ == "__main__":
    main()
