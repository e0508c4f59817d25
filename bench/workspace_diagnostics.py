#!/usr/bin/env python3
"""What workspace-wide findings cost: leakls on a workspace (default $(go env GOROOT)/src) with
`workspace_diagnostics` on and off, side by side in one run. For each: the time from
`initialize` until the server is quiet after its first scan (and, on, after checking every
closed file), how many closed files got findings, peak and current RSS then, and the latency
of single-character edits in a file of the workspace (didChange -> its publishDiagnostics),
median and 90th percentile. Python 3 standard library only.

    python3 bench/workspace_diagnostics.py [--folder DIR] [--file F] [--edits 100] [--rounds 1]
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import Server  # noqa: E402


def measure(folder, path, on, edits):
    with Server("leakls") as server:
        server.options = {"workspace_diagnostics": on}
        t0 = server.initialize([folder])
        ready = server.settle(idle=2.0)
        closed = set()
        while True:
            try:
                _, msg = server.messages.get_nowait()
            except Exception:
                break
            if msg and msg.get("method") == "textDocument/publishDiagnostics":
                p = msg["params"]
                if p.get("version") is None and p["diagnostics"]:
                    closed.add(p["uri"])
        result = {"ready_s": ready - t0, "closed_with_findings": len(closed),
                  "peak_rss_mb": server.memory_kb("VmHWM") / 1024,
                  "rss_mb": server.memory_kb("VmRSS") / 1024}
        text = path.read_text(encoding="utf-8")
        uri = path.as_uri()
        server.open(path, text)
        server.diagnostics(uri, 1)
        # A letter typed at the end of the file's first line comment, then deleted, and so on.
        line = next(i for i, l in enumerate(text.split("\n")) if l.startswith("//"))
        col = len(text.split("\n")[line])
        times = []
        for v in range(2, edits + 2):
            if v % 2 == 0:
                change = {"range": {"start": {"line": line, "character": col},
                                    "end": {"line": line, "character": col}}, "text": "x"}
            else:
                change = {"range": {"start": {"line": line, "character": col},
                                    "end": {"line": line, "character": col + 1}}, "text": ""}
            sent = server.change(uri, v, [change])
            t, _ = server.diagnostics(uri, v)
            times.append((t - sent) * 1000)
            time.sleep(0.05)
        result["edit_p50_ms"] = statistics.median(times)
        result["edit_p90_ms"] = sorted(times)[int(len(times) * 0.9) - 1]
        server.shutdown()
        return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True).stdout.strip()
    ap.add_argument("--folder", default=str(Path(goroot) / "src"))
    ap.add_argument("--file", help="the file edited (default: net/http/server.go in the folder)")
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    folder = Path(args.folder).resolve()
    path = Path(args.file).resolve() if args.file else folder / "net/http/server.go"
    rows = []
    for _ in range(args.rounds):
        for on in (False, True):
            rows.append((on, measure(folder, path, on, args.edits)))
    print(f"workspace: {folder}; edits in {path.relative_to(folder)}")
    print(f"{'workspace_diagnostics':>22} {'ready s':>8} {'closed files':>12} {'peak RSS MB':>11} "
          f"{'RSS MB':>7} {'edit p50 ms':>11} {'edit p90 ms':>11}")
    for on, r in rows:
        print(f"{str(on).lower():>22} {r['ready_s']:8.2f} {r['closed_with_findings']:12d} "
              f"{r['peak_rss_mb']:11.0f} {r['rss_mb']:7.0f} {r['edit_p50_ms']:11.2f} "
              f"{r['edit_p90_ms']:11.2f}")


if __name__ == "__main__":
    main()
