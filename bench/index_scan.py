#!/usr/bin/env python3
"""First scan of a whole tree: `leakls check` and the server's initial index, wall time and RSS.

For the server: initialize with the tree as the workspace folder (announcing work-done progress),
wait for the end of the `$/progress` the first scan reports, then read the process's peak and
current RSS from /proc. For the command line: `leakls check TREE` under /usr/bin/time.
Each is run --runs times, interleaved (check, server, check, server, ...); the table gives medians
and the spread. Python 3 standard library only.

    python3 bench/index_scan.py [--binary target/release/leakls] [--tree DIR] [--runs 3]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from edit_latency import Server, REPO  # noqa: E402


def goroot_src():
    out = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip()) / "src"


def tree_size(tree):
    """Go files and bytes that leakls reads (vendor/, testdata/, hidden and _ folders skipped)."""
    files = size = 0
    for root, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in ("vendor", "testdata") and not d.startswith((".", "_"))]
        for n in names:
            if n.endswith(".go") and not n.startswith((".", "_")):
                files += 1
                size += os.path.getsize(os.path.join(root, n))
    return files, size


def proc_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def run_check(binary, tree):
    t = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", str(binary), "check", str(tree)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if out.returncode not in (0, 1):
        sys.exit("leakls check failed: " + out.stderr[-500:])
    peak_kb = int(out.stderr.strip().splitlines()[-1])
    return wall, peak_kb


def run_server(binary, tree):
    server = Server([str(binary)], subprocess.DEVNULL)
    try:
        t0 = time.perf_counter()
        server.request("initialize", {
            "processId": os.getpid(),
            "rootUri": tree.as_uri(),
            "workspaceFolders": [{"uri": tree.as_uri(), "name": tree.name}],
            "capabilities": {"window": {"workDoneProgress": True}},
        })
        server.notify("initialized", {})

        def is_end(m):
            if m.get("method") == "window/workDoneProgress/create" and "id" in m:
                server._send({"jsonrpc": "2.0", "id": m["id"], "result": None})
                return False
            return (m.get("method") == "$/progress"
                    and m.get("params", {}).get("value", {}).get("kind") == "end")

        server.wait(is_end, timeout=600)
        wall = time.perf_counter() - t0
        peak_kb = proc_kb(server.proc.pid, "VmHWM")
        rss_kb = proc_kb(server.proc.pid, "VmRSS")
        server.request("shutdown", None)
        server.notify("exit", None)
        server.proc.wait(timeout=30)
        return wall, peak_kb, rss_kb
    finally:
        if server.proc.poll() is None:
            server.proc.kill()


def spread(values):
    return max(values) - min(values) if len(values) > 1 else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=str(REPO / "target/release/leakls"))
    ap.add_argument("--tree", help="the tree to scan (default: $(go env GOROOT)/src)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    binary = Path(args.binary)
    if not binary.exists():
        sys.exit(f"no server binary at {binary}: cargo build --release")
    tree = Path(args.tree).resolve() if args.tree else goroot_src()
    files, size = tree_size(tree)

    checks, servers = [], []
    for _ in range(args.runs):
        checks.append(run_check(binary, tree))
        servers.append(run_server(binary, tree))

    print(f"tree: {tree} ({files} Go files, {size / 1e6:.1f} MB), {os.cpu_count()} cores, "
          f"{args.runs} runs each, interleaved")
    print()
    print("| measurement | median | spread (max-min) |")
    print("|---|---|---|")
    cw = [c[0] for c in checks]
    cm = [c[1] / 1024 for c in checks]
    sw = [s[0] for s in servers]
    sp = [s[1] / 1024 for s in servers]
    sr = [s[2] / 1024 for s in servers]
    print(f"| `leakls check` wall time | {statistics.median(cw):.2f} s | {spread(cw):.2f} s |")
    print(f"| `leakls check` peak RSS | {statistics.median(cm):.0f} MB | {spread(cm):.0f} MB |")
    print(f"| server first scan, initialize to progress end | {statistics.median(sw):.2f} s | {spread(sw):.2f} s |")
    print(f"| server peak RSS during the scan | {statistics.median(sp):.0f} MB | {spread(sp):.0f} MB |")
    print(f"| server RSS after the scan | {statistics.median(sr):.0f} MB | {spread(sr):.0f} MB |")
    print(f"| server RSS after the scan per source byte | {statistics.median(sr) * 1048576 / size:.2f} | |")


if __name__ == "__main__":
    main()
