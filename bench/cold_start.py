#!/usr/bin/env python3
"""Cold start in the editor: a server started on the whole corpus, from `initialize` to the first
diagnostics of a file opened at once, then to the end of its initial load, and its memory then.

    python3 bench/cold_start.py --corpus corpus.json --server leakls [--file F] [--json OUT]

The workspace folders are the corpus roots; the file (default: the corpus's medium file) is
opened right after `initialized`, as an editor restoring a session does. "Ready" is when every
`$/progress` the server began has ended and the server (with its children: gopls runs
`go list`) has stayed under 5% of a core for --idle seconds. Then VmHWM (peak RSS) and VmRSS
are read from /proc. gopls gets an empty GOPLSCACHE (a fresh temporary directory) each time:
cold. Python 3 standard library only.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import raw  # noqa: E402
from lsp_client import SERVERS, Server  # noqa: E402


def measure(name, folders, path, idle, timeout):
    with tempfile.TemporaryDirectory(prefix="gopls-cache-") as cache:
        env = dict(os.environ, GOPLSCACHE=cache)
        with Server(name, env=env) as server:
            t0 = server.initialize(folders, timeout)
            t_open = server.open(path, path.read_text(encoding="utf-8"))
            t_diag, _ = server.diagnostics(path.as_uri(), 1, timeout)
            t_ready = server.settle(idle=idle, timeout=timeout)
            result = {
                "first_diagnostics_s": t_diag - t0, "open_to_diagnostics_s": t_diag - t_open,
                "ready_s": t_ready - t0,
                "peak_rss_kb": server.memory_kb("VmHWM"), "rss_kb": server.memory_kb("VmRSS"),
            }
            result["exit_code"] = server.shutdown()
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, help="corpus.json from corpus.py")
    ap.add_argument("--server", default="leakls", choices=sorted(SERVERS))
    ap.add_argument("--file", help="the file to open (default: the corpus's medium file)")
    ap.add_argument("--idle", type=float, default=3.0,
                    help="seconds without work that count as ready (default 3)")
    ap.add_argument("--timeout", type=float, default=1800.0)
    raw.add_arguments(ap)
    args = ap.parse_args()
    corpus = json.loads(Path(args.corpus).read_text())
    path = Path(args.file or corpus["medium"]["path"]).resolve()

    result = measure(args.server, corpus["roots"], path, args.idle, args.timeout)
    result.update(kind="cold_start", server=args.server, run=args.run, file=str(path),
                  corpus_bytes=corpus["bytes"])
    raw.emit(result, args.json)


if __name__ == "__main__":
    main()
