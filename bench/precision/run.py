#!/usr/bin/env python3
"""The judged corpus: runs leakls over real Go code and compares its findings with the verdicts.

    bench/precision/run.py [--corpus DIR] [--leakls BIN] [--tree NAME]... [--list WHAT]
    bench/precision/run.py --prepare [--corpus DIR] [--mirrors DIR]

Each tree of trees.json (the Go standard library of one release, public projects at one commit)
is checked with `leakls check --format json`, and every finding is looked up in verdicts.tsv,
where a person who read the code judged it `real`, `minor` (real, with its reason) or `false`.
Its `seen` column says which build reported it: `before` (commit 284b72b, the first reading),
`now` (this build) or `both`.
The script prints, per tree and per check: findings now, judged real, minor, false, and
unjudged; then the precision (real and minor over judged findings). It also lists the findings
that a build before this corpus existed (commit 284b72b) reported and that were judged real, if
they are no longer reported: each must say why in its note.

Exit status: 0 when every finding is judged and no real finding was lost without a note, 1
otherwise (the lists say which), 2 on a usage error.

--prepare extracts each public tree at its commit into the corpus directory: from bare mirrors
(`--mirrors DIR`, holding DIR/<dir>/repo, as the fetch tool leaves them) or by cloning from
GitHub. The standard library comes from `GOTOOLCHAIN=<go> go env GOROOT` (the go command fetches
that release when it is not the installed one).
"""

import argparse
import collections
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VERDICTS = HERE / "verdicts.tsv"
FIELDS = ["tree", "path", "line", "code", "verdict", "seen", "reason", "note"]
CHECKS = ["unstopped-ticker", "time-tick", "after-in-loop", "slice-retains", "global-growth", "goroutine-leak"]


def load_trees():
    return json.loads((HERE / "trees.json").read_text())["trees"]


def load_verdicts():
    rows = []
    with open(VERDICTS, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            row["line"] = int(row["line"])
            rows.append(row)
    return rows


def goroot_of(go_release):
    env = dict(os.environ, GOTOOLCHAIN=go_release)
    out = subprocess.run(["go", "env", "GOROOT", "GOVERSION"], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"`GOTOOLCHAIN={go_release} go env GOROOT` failed: {out.stderr.strip()}")
    goroot, version = out.stdout.split()
    if version != go_release:
        raise RuntimeError(f"asked for {go_release}, the go command gave {version}")
    return Path(goroot)


def tree_dir(tree, corpus):
    if "go" in tree:
        return goroot_of(tree["go"]) / "src"
    return corpus / tree["dir"]


def findings(leakls, directory):
    """The findings of `leakls check` in `directory`, as (path, line, code), paths relative to it."""
    out = subprocess.run(
        [str(leakls), "check", "--format", "json", "."],
        cwd=directory,
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        sys.stderr.write(out.stderr)
    found = []
    for f in json.loads(out.stdout or "[]"):
        path = f["path"][2:] if f["path"].startswith("./") else f["path"]
        found.append((path, f["line"], f["code"], f["message"]))
    return found


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def report(args):
    corpus = Path(args.corpus)
    leakls = Path(args.leakls)
    if not leakls.exists():
        sys.exit(f"run.py: no leakls at {leakls} (cargo build --release)")
    verdicts = load_verdicts()
    by_key = {(v["tree"], v["path"], v["line"], v["code"]): v for v in verdicts}
    trees = [t for t in load_trees() if not args.tree or t["name"] in args.tree]
    counts = collections.defaultdict(collections.Counter)
    unjudged, stale = [], []
    now_keys = set()
    for tree in trees:
        name = tree["name"] + (f"@{tree['go']}" if "go" in tree else "")
        directory = tree_dir(tree, corpus)
        if not directory.is_dir():
            print(f"run.py: {name}: {directory} is missing (run.py --prepare)", file=sys.stderr)
            counts[(name, "(missing)")]["missing"] += 1
            continue
        for path, line, code, message in findings(leakls, directory):
            key = (name, path, line, code)
            now_keys.add(key)
            c = counts[(name, code)]
            c["now"] += 1
            v = by_key.get(key)
            if v is None:
                c["unjudged"] += 1
                unjudged.append((name, path, line, code, message))
            else:
                c[v["verdict"]] += 1
    # Real findings of an earlier build, or judged ones of this build, no longer reported.
    names = {t["name"] + (f"@{t['go']}" if "go" in t else "") for t in trees}
    lost = []
    for v in verdicts:
        key = (v["tree"], v["path"], v["line"], v["code"])
        if v["tree"] not in names or key in now_keys:
            continue
        if v["seen"] in ("now", "both"):
            stale.append(v)
        elif v["verdict"] in ("real", "minor"):
            lost.append(v)

    rows = []
    total = collections.Counter()
    for (name, code), c in sorted(counts.items()):
        rows.append([name, code, c["now"], c["real"], c["minor"], c["false"], c["unjudged"]])
        total.update(c)
    rows.append(["all trees", "all checks", total["now"], total["real"], total["minor"], total["false"], total["unjudged"]])
    table(rows, ["tree", "check", "findings", "real", "minor", "false", "unjudged"])
    print()
    per_check = collections.defaultdict(collections.Counter)
    for (name, code), c in counts.items():
        per_check[code].update(c)
    rows = []
    for code in CHECKS:
        c = per_check.get(code, collections.Counter())
        judged = c["real"] + c["minor"] + c["false"]
        precision = f"{100 * (c['real'] + c['minor']) / judged:.0f}%" if judged else "-"
        rows.append([code, c["now"], c["real"], c["minor"], c["false"], c["unjudged"], precision])
    judged = total["real"] + total["minor"] + total["false"]
    precision = f"{100 * (total['real'] + total['minor']) / judged:.1f}%" if judged else "-"
    rows.append(["all checks", total["now"], total["real"], total["minor"], total["false"], total["unjudged"], precision])
    table(rows, ["check", "findings", "real", "minor", "false", "unjudged", "precision"])

    before = [v for v in verdicts if v["tree"] in names and v["seen"] in ("before", "both")]
    before_real = [v for v in before if v["verdict"] in ("real", "minor")]
    kept = [v for v in before_real if (v["tree"], v["path"], v["line"], v["code"]) in now_keys]
    print()
    print(f"before (commit 284b72b): {len(before)} findings judged, {len(before_real)} real or minor; "
          f"{len(kept)} of those still reported, {len(before_real) - len(kept)} not (each with its note)")

    ok = True
    if unjudged:
        ok = False
        print(f"\n{len(unjudged)} unjudged finding(s): judge them in {VERDICTS.relative_to(ROOT)}")
        if args.list in ("unjudged", "all"):
            for name, path, line, code, message in unjudged:
                print(f"  {name}\t{path}\t{line}\t{code}\t{message}")
    missing_note = [v for v in lost if not v["note"].strip()]
    if lost and args.list in ("gone", "all"):
        print(f"\nreal before, not reported now ({len(lost)}):")
        for v in lost:
            print(f"  {v['tree']} {v['path']}:{v['line']} {v['code']}: {v['note'] or '(NO NOTE)'}")
    if missing_note:
        ok = False
        print(f"\n{len(missing_note)} real finding(s) of before are not reported and have no note")
    if stale:
        print(f"\n{len(stale)} finding(s) judged for this build are no longer reported:")
        for v in stale:
            print(f"  {v['tree']} {v['path']}:{v['line']} {v['code']} ({v['verdict']})")
    return 0 if ok else 1


def prepare(args):
    corpus = Path(args.corpus)
    corpus.mkdir(parents=True, exist_ok=True)
    for tree in load_trees():
        if "go" in tree:
            print(f"{tree['name']}: {goroot_of(tree['go'])}")
            continue
        target = corpus / tree["dir"]
        stamp = target / ".leakls-commit"
        if stamp.exists() and stamp.read_text().strip() == tree["commit"]:
            print(f"{tree['name']}: {target} (at {tree['commit'][:12]})")
            continue
        git_dir = Path(args.mirrors) / tree["dir"] / "repo" if args.mirrors else None
        if git_dir is None or not git_dir.exists():
            git_dir = corpus / f".{tree['dir']}.git"
            if not git_dir.exists():
                url = f"https://github.com/{tree['name']}.git"
                subprocess.run(["git", "clone", "--bare", "--filter=blob:limit=4m", url, str(git_dir)], check=True)
        target.mkdir(parents=True, exist_ok=True)
        extract(git_dir, tree["commit"], target)
        stamp.write_text(tree["commit"] + "\n")
        print(f"{tree['name']}: {target} (at {tree['commit'][:12]})")
    return 0


def extract(git_dir, commit, target):
    """The commit's files into target: `git archive`, or, when the copy lacks some blobs (large
    test data files are not stored by every mirror), blob by blob, leaving out the missing ones."""
    archive = subprocess.run(["git", f"--git-dir={git_dir}", "archive", commit], capture_output=True)
    if archive.returncode == 0:
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
        return
    listing = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit], capture_output=True, check=True
    ).stdout
    files = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, sha = meta.split(b" ")
        if kind == b"blob" and mode in (b"100644", b"100755"):
            files.append((sha, path.decode()))
    batch = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    missing = 0
    for sha, path in files:
        batch.stdin.write(sha + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    batch.stdin.close()
    batch.wait()
    print(f"  {missing} of {len(files)} files are not in the copy and were left out", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("LEAKLS_CORPUS", str(HERE / "trees")),
                        help="where the public trees are (default: $LEAKLS_CORPUS or bench/precision/trees)")
    parser.add_argument("--leakls", default=str(ROOT / "target/release/leakls"))
    parser.add_argument("--tree", action="append", help="only this tree (repeatable)")
    parser.add_argument("--list", choices=["unjudged", "gone", "all"], default="unjudged",
                        help="which findings to list in full")
    parser.add_argument("--prepare", action="store_true", help="extract the trees, then stop")
    parser.add_argument("--mirrors", help="folder of bare mirrors, <dir>/repo each")
    args = parser.parse_args()
    sys.exit(prepare(args) if args.prepare else report(args))


if __name__ == "__main__":
    main()
