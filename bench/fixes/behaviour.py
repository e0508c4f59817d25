#!/usr/bin/env python3
"""Do leakls's fixes keep behaviour? Applies `leakls check --fix` to a copy of each Go module
tree given, then runs `go test -short` on every package the fixes changed, in the fixed copy and
in a pristine copy. A package that passes pristine and fails fixed is a broken promise; the
script prints a table and exits 1 if there is one.

    bench/fixes/behaviour.py [--leakls BIN] [--timeout S] TREE...

For the standard library, give `$(go env GOROOT)`: the copies then become GOROOT for their tests
(`GOROOT=<copy>`, `GOTOOLCHAIN=local`).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def go_files(tree):
    return {p.relative_to(tree): p.read_bytes() for p in tree.rglob("*.go") if p.is_file() and not p.is_symlink()}


def module_root(path):
    for parent in [path] + list(path.parents):
        if (parent / "go.mod").exists():
            return parent
    return None


def go_test(package_dir, env, timeout):
    try:
        out = subprocess.run(["go", "test", "-short", "-count=1", "."], cwd=package_dir, env=env,
                             capture_output=True, text=True, timeout=timeout)
        return "pass" if out.returncode == 0 else "fail", (out.stdout + out.stderr)[-2000:]
    except subprocess.TimeoutExpired:
        return "timeout", ""


def run(tree, leakls, timeout, work):
    tree = Path(tree).resolve()
    is_goroot = (tree / "src" / "runtime").is_dir() and (tree / "VERSION").exists()
    pristine = Path(work) / "pristine"
    fixed = Path(work) / "fixed"
    for d in (pristine, fixed):
        shutil.copytree(tree, d, symlinks=True)
    scope = fixed / "src" if is_goroot else fixed
    out = subprocess.run([str(leakls), "check", "--fix", "."], cwd=scope, capture_output=True, text=True)
    before, after = go_files(pristine), go_files(fixed)
    changed = sorted(p for p in after if before.get(p) != after[p])
    rows = []
    for d in sorted({p.parent for p in changed}):
        results = []
        for copy in (pristine, fixed):
            env = dict(os.environ)
            # -mod=mod lets a module fetch what its go.sum lacks; a go.work forbids it.
            if not any((p / "go.work").exists() for p in [copy / d] + list((copy / d).parents)):
                env["GOFLAGS"] = "-mod=mod"
            if is_goroot:
                env.update(GOROOT=str(copy), GOTOOLCHAIN="local", PATH=f"{copy}/bin:{os.environ['PATH']}")
            results.append(go_test(copy / d, env, timeout))
        rows.append((str(d), results[0][0], results[1][0], results[1][1]))
    return out, changed, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--leakls", default=str(ROOT / "target/release/leakls"))
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("trees", nargs="+")
    args = ap.parse_args()
    broken = 0
    print(f"{'tree':40} {'package':50} {'pristine':>8} {'fixed':>8}")
    for tree in args.trees:
        with tempfile.TemporaryDirectory() as work:
            out, changed, rows = run(tree, args.leakls, args.timeout, work)
            print(f"{Path(tree).name:40} {len(changed)} files changed by --fix (exit {out.returncode})")
            for package, p, f, log in rows:
                mark = ""
                if p == "pass" and f != "pass":
                    broken += 1
                    mark = "  <- BROKEN"
                print(f"{'':40} {package:50} {p:>8} {f:>8}{mark}")
                if mark:
                    print(log)
    print(f"\n{broken} package(s) pass pristine and fail fixed")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
