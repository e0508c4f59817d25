#!/usr/bin/env python3
"""Do leakls's fixes keep behaviour? Applies `leakls check --fix` to a copy of each Go module
tree given, then runs `go test -short` on every package the fixes changed, in the fixed copy and
in a pristine copy. A package that passes pristine and fails fixed (three times: some suites
are flaky), or a changed file that `gofmt -l` lists when it did not before, is a broken promise;
the script prints a table and exits 1 if there is one.

    bench/fixes/behaviour.py [--leakls BIN] [--timeout S] [--expect-kinds FILE] TREE...

A TREE is a folder, or MODULE@VERSION, which `go mod download` fetches through the module proxy
(a module from before modules, with no go.mod, gets one saying `go 1.16` in both copies). For
the standard library, give `$(go env GOROOT)`: the copies then become GOROOT for their tests
(`GOROOT=<copy>`, `GOTOOLCHAIN=local`).

Every fix applied is listed by kind (its title without the code it names). With
--expect-kinds, a file of kinds one per line, the script also fails when one of them was not
applied anywhere: the set of trees no longer covers it.
"""

import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def go_files(tree):
    return {p.relative_to(tree): p.read_bytes() for p in tree.rglob("*.go") if p.is_file() and not p.is_symlink()}


def resolve(tree):
    """A folder for TREE: itself, or where the module proxy put MODULE@VERSION."""
    if Path(tree).is_dir() or "@" not in tree:
        return Path(tree).resolve()
    out = subprocess.run(["go", "mod", "download", "-json", tree], capture_output=True, text=True)
    info = json.loads(out.stdout or "{}")
    if out.returncode != 0 or not info.get("Dir"):
        sys.exit(f"behaviour.py: cannot download {tree}: {info.get('Error') or out.stderr.strip()}")
    return Path(info["Dir"])


def writable_copy(src, dst):
    """A copy the fixes can write to (the module cache is read-only)."""
    shutil.copytree(src, dst, symlinks=True)
    for p in [dst, *dst.rglob("*")]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def gofmt():
    """The gofmt of the go command on PATH."""
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True).stdout.strip()
    return str(Path(goroot) / "bin" / "gofmt")


def kind(title):
    """A fix's title without the code it names: `Clear the dropped element first: q[0] = nil`
    and `... first: s.x[0] = nil` are one kind."""
    title = title.split(":")[0]
    return re.sub(r"Stop the ticker in \S+", "Stop the ticker in T.Close", title)


def go_test(package_dir, env, timeout):
    try:
        out = subprocess.run(["go", "test", "-short", "-count=1", "."], cwd=package_dir, env=env,
                             capture_output=True, text=True, timeout=timeout)
        return "pass" if out.returncode == 0 else "fail", (out.stdout + out.stderr)[-2000:]
    except subprocess.TimeoutExpired:
        return "timeout", ""


def drop_local_replaces(module_dir):
    """A module from the proxy is out of its repository: `replace` directives that name sibling
    folders (a monorepo's) point at nothing, and the versions it requires are used instead."""
    out = subprocess.run(["go", "mod", "edit", "-json"], cwd=module_dir, capture_output=True, text=True)
    for r in (json.loads(out.stdout or "{}").get("Replace") or []):
        if r["New"]["Path"].startswith((".", "/")):
            old = r["Old"]["Path"] + (f"@{r['Old']['Version']}" if r["Old"].get("Version") else "")
            subprocess.run(["go", "mod", "edit", f"-dropreplace={old}"], cwd=module_dir, check=True)


def run(tree, leakls, timeout, work, downloaded):
    is_goroot = (tree / "src" / "runtime").is_dir() and (tree / "VERSION").exists()
    pristine = Path(work) / "pristine"
    fixed = Path(work) / "fixed"
    for d in (pristine, fixed):
        writable_copy(tree, d)
        if not is_goroot and not (d / "go.mod").exists():
            (d / "go.mod").write_text(f"module {tree.name.split('@')[0]}\n\ngo 1.16\n")
        elif downloaded:
            drop_local_replaces(d)
    scope = fixed / "src" if is_goroot else fixed
    findings = subprocess.run([str(leakls), "check", "--format", "json", "."], cwd=scope,
                              capture_output=True, text=True)
    kinds = Counter(kind(f["fixes"][0]["title"]) for f in json.loads(findings.stdout or "[]")
                    if f["fixes"])
    out = subprocess.run([str(leakls), "check", "--fix", "."], cwd=scope, capture_output=True, text=True)
    before, after = go_files(pristine), go_files(fixed)
    changed = sorted(p for p in after if before.get(p) != after[p])
    # Every fix's output is gofmt-clean: a changed file gofmt would rewrite, that it would not
    # have rewritten before, is a broken promise too.
    unformatted = []
    if changed:
        def gofmt_l(copy):
            out = subprocess.run([gofmt(), "-l", *[str(p) for p in changed]], cwd=copy,
                                 capture_output=True, text=True)
            return {line.strip() for line in out.stdout.splitlines() if line.strip()}
        unformatted = sorted(gofmt_l(fixed) - gofmt_l(pristine))
    rows = []
    for d in sorted({p.parent for p in changed}):
        def test(copy):
            env = dict(os.environ)
            # -mod=mod lets a module fetch what its go.sum lacks; a go.work forbids it.
            if not any((p / "go.work").exists() for p in [copy / d] + list((copy / d).parents)):
                env["GOFLAGS"] = "-mod=mod"
            if is_goroot:
                env.update(GOROOT=str(copy), GOTOOLCHAIN="local", PATH=f"{copy}/bin:{os.environ['PATH']}")
            return go_test(copy / d, env, timeout)

        pristine_result, fixed_result = test(pristine), test(fixed)
        if pristine_result[0] == "pass" and fixed_result[0] != "pass":
            # Some suites are flaky (timing, ports, a loaded machine): a broken fix fails every
            # time while the pristine copy passes every time. Two more runs of each tell them
            # apart.
            for copy in (fixed, fixed, pristine, pristine):
                passed = test(copy)[0] == "pass"
                if passed == (copy == fixed):  # the fixed copy passed, or the pristine failed
                    fixed_result = ("flaky", fixed_result[1])
                    break
        rows.append((str(d), pristine_result[0], fixed_result[0], fixed_result[1]))
    return out, changed, rows, kinds, unformatted


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--leakls", default=str(ROOT / "target/release/leakls"))
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--expect-kinds", help="file of fix kinds that must be applied somewhere")
    ap.add_argument("trees", nargs="+")
    args = ap.parse_args()
    broken = 0
    applied = Counter()
    print(f"{'tree':40} {'package':50} {'pristine':>8} {'fixed':>8}")
    for name in args.trees:
        tree = resolve(name)
        with tempfile.TemporaryDirectory() as work:
            downloaded = not Path(name).is_dir()
            out, changed, rows, kinds, unformatted = run(tree, args.leakls, args.timeout, work,
                                                         downloaded)
            applied += kinds
            print(f"{name[-40:]:40} {len(changed)} files changed by --fix (exit {out.returncode})")
            for f in unformatted:
                broken += 1
                print(f"{'':40} {f:50} not gofmt-clean after the fixes  <- BROKEN")
            for package, p, f, log in rows:
                mark = ""
                if p == "pass" and f not in ("pass", "flaky"):
                    broken += 1
                    mark = "  <- BROKEN"
                print(f"{'':40} {package:50} {p:>8} {f:>8}{mark}")
                if mark:
                    print(log)
    print(f"\n{'fix kind':70} {'applied':>7}")
    for k, n in sorted(applied.items()):
        print(f"{k:70} {n:>7}")
    missing = []
    if args.expect_kinds:
        wanted = [line.strip() for line in Path(args.expect_kinds).read_text().splitlines()
                  if line.strip() and not line.startswith("#")]
        missing = [k for k in wanted if k not in applied]
        for k in missing:
            print(f"not covered: {k}")
    print(f"\n{broken} package(s) pass pristine and fail fixed")
    return 1 if broken or missing else 0


if __name__ == "__main__":
    sys.exit(main())
