#!/usr/bin/env python3
"""What `leakls check` costs over a bare parse of the same files, side by side in one run.

    python3 bench/check_cost.py [--runs 3] [--tree DIR] [--baseline BIN] [LEAKLS]

Runs `leakls parse TREE` (read and parse every file, no analysis) and `leakls check TREE`,
alternating, `--runs` times each, and prints the median wall time of each and the ratio. With
`--baseline BIN`, another build's `check` joins the rotation (for the cost of a change: build
the commit before it into another target folder). The tree defaults to $(go env GOROOT)/src.
"""

import argparse
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if out.returncode not in (0, 1):
        raise SystemExit(f"check_cost.py: {' '.join(cmd)} failed: {out.stderr.strip()}")
    return took


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("leakls", nargs="?", default=str(ROOT / "target/release/leakls"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tree", default=subprocess.run(["go", "env", "GOROOT"], capture_output=True,
                                                     text=True).stdout.strip() + "/src")
    ap.add_argument("--baseline", help="another leakls binary whose `check` is timed too")
    args = ap.parse_args()
    rows = {"parse": [args.leakls, "parse", args.tree], "check": [args.leakls, "check", args.tree]}
    if args.baseline:
        rows["check (baseline)"] = [args.baseline, "check", args.tree]
    times = {name: [] for name in rows}
    for _ in range(args.runs):
        for name, cmd in rows.items():
            times[name].append(timed(cmd))
    parse = statistics.median(times["parse"])
    print(f"tree: {args.tree}, {args.runs} runs each, alternating")
    print(f"{'what':20} {'median s':>9} {'min s':>7} {'max s':>7} {'x parse':>8}")
    for name, t in times.items():
        m = statistics.median(t)
        print(f"{name:20} {m:9.2f} {min(t):7.2f} {max(t):7.2f} {m / parse:8.2f}")


if __name__ == "__main__":
    main()
