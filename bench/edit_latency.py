#!/usr/bin/env python3
"""Edit latency of leakls as an editor sees it: didChange written -> publishDiagnostics read.

Starts the server, speaks LSP over stdio (UTF-16 positions: no UTF-8 offer), opens one Go file,
then makes single-character edits one at a time (insert 'x', then delete it, at varying places
in the middle of the file), and measures each round trip until the publishDiagnostics carrying
that edit's version arrives. Then does the same with whole-text changes (no range, the same
text), which take the full-parse path. Python 3 standard library only.

    python3 bench/edit_latency.py [--binary target/release/leakls] [--file PATH] [--edits 200]
"""

import argparse
import json
import math
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BINARY = "target/release/leakls"
TIMEOUT = 120.0  # seconds to wait for any one answer


class Server:
    """An LSP server on the other end of two pipes, with a thread reading its messages."""

    def __init__(self, argv, stderr):
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
        )
        self.messages = queue.Queue()
        self.write_lock = threading.Lock()
        self.next_id = 1
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    # -- framing ---------------------------------------------------------------------------

    def _read_loop(self):
        out = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return  # the server closed its stdout
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    raise RuntimeError("a message without Content-Length")
                body = out.read(length)
                if len(body) < length:
                    return
                msg = json.loads(body)
                if "method" in msg and "id" in msg:
                    # A request from the server (registerCapability, configuration, ...): answer
                    # with null so it does not wait on us.
                    self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                self.messages.put((time.perf_counter(), msg))
        finally:
            self.messages.put((time.perf_counter(), None))

    @staticmethod
    def encode(payload):
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    def write(self, data):
        """Writes framed bytes; returns the perf_counter time just before the write."""
        with self.write_lock:
            t = time.perf_counter()
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        return t

    def _send(self, payload):
        return self.write(self.encode(payload))

    def notify(self, method, params):
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m)[1]

    def wait(self, pred, timeout=TIMEOUT):
        """Returns (arrival time, message) of the first message matching pred."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no matching message from the server in %.0f s" % timeout)
            try:
                t, msg = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise RuntimeError("the server exited (code %s)" % self.proc.poll())
            if pred(msg):
                return t, msg


def wait_for_indexing(server):
    """Waits until the server's first scan of the workspace folder ends, so that it does not
    compete with the edits for the CPU (an editor's user types long after it). The scan reports
    `$/progress` under a token the server creates; a server that creates none within 2 s is
    taken not to scan. Returns the seconds waited, or None."""
    t0 = time.perf_counter()
    try:
        _, create = server.wait(lambda m: m.get("method") == "window/workDoneProgress/create",
                                timeout=2.0)
    except TimeoutError:
        return None
    token = create["params"]["token"]
    server.wait(lambda m: m.get("method") == "$/progress"
                and m["params"].get("token") == token
                and m["params"].get("value", {}).get("kind") == "end")
    return time.perf_counter() - t0


def largest_goroot_file():
    goroot = subprocess.run(
        ["go", "env", "GOROOT"], check=True, capture_output=True, text=True
    ).stdout.strip()
    best = None
    for dirpath, _, files in os.walk(os.path.join(goroot, "src")):
        for name in files:
            if name.endswith(".go"):
                path = os.path.join(dirpath, name)
                size = os.path.getsize(path)
                if best is None or size > best[0]:
                    best = (size, path)
    if best is None:
        sys.exit("no .go file under %s/src" % goroot)
    return best[1]


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def edit_sites(lines, count):
    """Places to insert a character, from the middle half of the file, alternating between the
    end of a line comment and the end of an identifier. Returns (line, utf16 column) pairs."""
    lo, hi = len(lines) // 4, max(len(lines) * 3 // 4, 1)
    comments, idents = [], []
    for n in range(lo, hi):
        line = lines[n]
        code, sep, _ = line.partition("//")
        if sep and '"' not in code and "`" not in code:
            comments.append((n, utf16_len(line)))  # at the end of the comment text
        if '"' in code or "`" in code or "'" in code:
            continue  # keep out of literals
        m = None
        for m in IDENT.finditer(code):
            pass
        if m:
            idents.append((n, utf16_len(code[: m.end()])))
    if not comments and not idents:
        # A file without either: the middle of the middle line will do.
        n = len(lines) // 2
        return [(n, utf16_len(lines[n]) // 2)] * count
    sites = []
    for i in range(count):
        pool = comments if (i % 2 == 0 and comments) or not idents else idents
        # Spread the sites over the pool (a stride coprime-ish to its length).
        sites.append(pool[(i * 7919) % len(pool)])
    return sites


def space_sites(lines, count):
    """Places to type a space: before the last identifier of a line in the middle half of the
    file (outside literals). A space there is not part of any token, so the server reparses."""
    lo, hi = len(lines) // 4, max(len(lines) * 3 // 4, 1)
    pool = []
    for n in range(lo, hi):
        code = lines[n].partition("//")[0]
        if '"' in code or "`" in code or "'" in code:
            continue
        m = None
        for m in IDENT.finditer(code):
            pass
        if m:
            pool.append((n, utf16_len(code[: m.start()])))
    if not pool:
        return []
    return [pool[(i * 7919) % len(pool)] for i in range(count)]


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    k = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[k - 1]


def ms(seconds):
    return "%.2f ms" % (seconds * 1000)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=DEFAULT_BINARY,
                    help="the server (default %(default)s, built with cargo build --release)")
    ap.add_argument("--file", help="the Go file to edit (default: the largest under GOROOT/src)")
    ap.add_argument("--edits", type=int, default=200,
                    help="single-character edits, insertions and deletions (default 200)")
    ap.add_argument("--reparse-edits", type=int, default=40,
                    help="spaces typed before an identifier and deleted: edits that reparse "
                         "(default 40)")
    ap.add_argument("--full", type=int, default=20,
                    help="whole-text changes (default 20)")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run cargo build --release for the default binary")
    ap.add_argument("--server-stderr", action="store_true",
                    help="let the server's stderr through (default: discarded)")
    args = ap.parse_args()

    binary = Path(args.binary)
    if not binary.is_absolute():
        binary = (Path.cwd() / binary) if (Path.cwd() / binary).exists() else REPO / binary
    if args.binary == DEFAULT_BINARY and not args.no_build:
        if shutil.which("cargo") is None:
            sys.exit("cargo not found: build the server or pass --binary")
        print("building: cargo build --release", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        binary = REPO / DEFAULT_BINARY
    if not binary.exists():
        sys.exit("no server binary at %s" % binary)

    path = Path(args.file or largest_goroot_file()).resolve()
    text = path.read_text(encoding="utf-8")
    size = len(text.encode("utf-8"))
    lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
    uri = path.as_uri()

    server = Server([str(binary)], None if args.server_stderr else subprocess.DEVNULL)
    try:
        server.request("initialize", {
            "processId": os.getpid(),
            "rootUri": path.parent.as_uri(),
            # No positionEncodings offer: UTF-16 it is. Progress, to know when indexing ends.
            "capabilities": {"window": {"workDoneProgress": True}},
            "clientInfo": {"name": "edit_latency.py"},
        })
        server.notify("initialized", {})
        index_time = wait_for_indexing(server)

        def diagnostics_for(version):
            return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"].get("uri") == uri
                              and m["params"].get("version") == version)

        version = 1
        open_msg = server.encode({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "go", "version": version, "text": text}}})
        t0 = server.write(open_msg)
        t1, first = server.wait(diagnostics_for(version))
        open_time = t1 - t0
        n_diags = len(first["params"]["diagnostics"])

        def change(changes):
            nonlocal version
            version += 1
            msg = server.encode({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": changes}})
            t0 = server.write(msg)
            t1, _ = server.wait(diagnostics_for(version))
            return t1 - t0

        # Single-character edits, one at a time: insert 'x', then delete it again.
        incremental = []
        for line, col in edit_sites(lines, (args.edits + 1) // 2):
            at = {"line": line, "character": col}
            incremental.append(change([{"range": {"start": at, "end": at}, "text": "x"}]))
            if len(incremental) == args.edits:
                break
            after = {"line": line, "character": col + 1}
            incremental.append(change([{"range": {"start": at, "end": after}, "text": ""}]))

        # A space typed before an identifier, then deleted: edits that need a reparse.
        reparsing = []
        for line, col in space_sites(lines, (args.reparse_edits + 1) // 2):
            at = {"line": line, "character": col}
            reparsing.append(change([{"range": {"start": at, "end": at}, "text": " "}]))
            if len(reparsing) == args.reparse_edits:
                break
            after = {"line": line, "character": col + 1}
            reparsing.append(change([{"range": {"start": at, "end": after}, "text": ""}]))

        # Whole-text changes (the same text): the full-parse path through the same handler.
        full = [change([{"text": text}]) for _ in range(args.full)]

        server.request("shutdown", None)
        server.notify("exit", None)
        code = server.proc.wait(timeout=10)
    except BaseException:
        server.proc.kill()
        raise

    incremental.sort()
    full.sort()
    inc_p50 = percentile(incremental, 50)
    full_p50 = percentile(full, 50) if full else float("nan")
    rows = [
        ("file", str(path)),
        ("size", "%d bytes, %d lines" % (size, len(lines))),
        ("workspace indexing (waited)",
         "none reported" if index_time is None else "%.0f ms" % (index_time * 1000)),
        ("diagnostics on open", str(n_diags)),
        ("open (parse + analysis)", ms(open_time)),
        ("incremental edits", str(len(incremental))),
        ("  p50", ms(inc_p50)),
        ("  p90", ms(percentile(incremental, 90))),
        ("  p99", ms(percentile(incremental, 99))),
        ("  max", ms(incremental[-1])),
        ("edits that reparse (space)", str(len(reparsing))),
    ]
    if reparsing:
        reparsing.sort()
        rows += [
            ("  p50", ms(percentile(reparsing, 50))),
            ("  p99", ms(percentile(reparsing, 99))),
        ]
    rows += [
        ("full-text changes", str(len(full))),
        ("  p50", ms(full_p50)),
        ("full / incremental (p50)", "%.1fx" % (full_p50 / inc_p50)),
        ("server exit code", str(code)),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print("%-*s  %s" % (width, k, v))
    if code != 0:
        sys.exit("the server exited with %d after shutdown/exit" % code)


if __name__ == "__main__":
    main()
