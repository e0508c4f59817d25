#!/usr/bin/env python3
"""Steady state: a leak detector must not leak. The server's RSS after its initial index and a
warm-up, then after many edits to one file, then after opening and closing many files.

    python3 bench/steady_state.py --corpus corpus.json [--edits 10000] [--files 500] [--json OUT]

The workspace folders are the corpus roots. After the initial index the server opens the file
to edit (default: the corpus's largest), takes --warmup edits and goes quiet: RSS "before".
Then --edits single-character edits (as edit_latency.py makes them, each waiting for its
diagnostics), quiet, RSS; then --files other files of the corpus (evenly spread over it) are
each opened (waiting for their diagnostics) and closed, quiet, RSS. Python 3 standard library only.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import go_files  # noqa: E402
from edit_latency import Editor, edit_sites, sites_for  # noqa: E402
import raw  # noqa: E402
from lsp_client import SERVERS, Server  # noqa: E402


def spread_files(roots, count, exclude):
    files = [p for p in go_files([Path(r) for r in roots]) if p != exclude]
    step = max(len(files) / max(count, 1), 1)
    return [files[int(i * step)] for i in range(min(count, len(files)))]


def measure(args, corpus, path):
    lines = path.read_text(encoding="utf-8").split("\n")
    with Server(args.server) as server:
        server.initialize(corpus["roots"], args.timeout)
        server.settle(idle=args.idle, timeout=args.timeout)
        server.open(path, path.read_text(encoding="utf-8"))
        server.diagnostics(path.as_uri(), 1, args.timeout)
        editor = Editor(server, path, args.timeout)
        editor.type_and_delete(edit_sites(lines, sites_for(args.warmup)), "x", args.warmup)
        server.settle(idle=args.idle, timeout=args.timeout)
        before = server.memory_kb("VmRSS")

        editor.type_and_delete(edit_sites(lines, sites_for(args.edits)), "x", args.edits)
        server.settle(idle=args.idle, timeout=args.timeout)
        after_edits = server.memory_kb("VmRSS")

        others = spread_files(corpus["roots"], args.files, path)
        for other in others:
            server.open(other, other.read_text(encoding="utf-8", errors="replace"))
            server.diagnostics(other.as_uri(), 1, args.timeout)
            server.close(other.as_uri())
        server.drain()
        server.settle(idle=args.idle, timeout=args.timeout)
        after_files = server.memory_kb("VmRSS")
        peak = server.memory_kb("VmHWM")
        code = server.shutdown()
    return {
        "before_kb": before, "after_edits_kb": after_edits, "after_files_kb": after_files,
        "peak_rss_kb": peak, "edits": args.edits, "files_opened": len(others),
        "edit_timeouts": editor.timeouts, "exit_code": code,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, help="corpus.json from corpus.py")
    ap.add_argument("--server", default="leakls", choices=sorted(SERVERS))
    ap.add_argument("--file", help="the file to edit (default: the corpus's largest)")
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--edits", type=int, default=10000)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--idle", type=float, default=1.0,
                    help="seconds without work before reading RSS (default 1)")
    ap.add_argument("--timeout", type=float, default=600.0)
    raw.add_arguments(ap)
    args = ap.parse_args()
    corpus = json.loads(Path(args.corpus).read_text())
    path = Path(args.file or corpus["largest"]["path"]).resolve()

    result = measure(args, corpus, path)
    result.update(kind="steady_state", server=args.server, run=args.run, file=str(path))
    raw.emit(result, args.json)


if __name__ == "__main__":
    main()
