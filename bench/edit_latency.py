#!/usr/bin/env python3
"""Edit latency as an editor sees it: didChange written -> publishDiagnostics for it read.

Starts a server (leakls, gopls, gopls-staticcheck: see lsp_client.SERVERS) with the file's
module as the workspace, waits until it has loaded the workspace and gone quiet, opens one Go
file, then makes single-character edits one at a time (a letter typed at the end of a line
comment or of an identifier in the middle half of the file, and deleted at the next edit while
another is typed elsewhere: see Editor.type_and_delete), and measures each round trip until a
publishDiagnostics for that file with a version at least the edit's arrives. leakls only,
optionally: spaces typed and deleted (edits that must reparse) and whole-text changes (a parse
from scratch). Python 3 standard library only.

    python3 bench/edit_latency.py [--server leakls] [--file PATH] [--edits 200] [--json OUT]

The default file is the largest .go file under $(go env GOROOT)/src. With --json the result is
appended to OUT as one JSON line (for report.py); else a table is printed.
"""

import argparse
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import go, go_files, module_root  # noqa: E402
import raw  # noqa: E402
from lsp_client import SERVERS, Server  # noqa: E402


def largest_goroot_file():
    src = Path(go("env", "GOROOT")) / "src"
    return max(go_files([src]), key=lambda p: p.stat().st_size)


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words that are not plain identifiers: a character typed after one makes a syntax error, or
# (make, new, ...) a token leakls must reparse. Edits go after other identifiers.
RESERVED = set("""break case chan const continue default defer else fallthrough for func go goto
    if import interface map package range return select struct switch type var
    _ true false nil iota make new""".split())


def last_identifier(code):
    """The last identifier in a line of code that is not a reserved word, or None."""
    last = None
    for m in IDENT.finditer(code):
        if m.group() not in RESERVED:
            last = m
    return last


def middle(lines):
    return range(len(lines) // 4, max(len(lines) * 3 // 4, 1))


# Each run, and each server in a run, types another letter and goes through the pool of sites
# with another stride: its versions of the text are then new to gopls's cache on disk, which
# outlives a run and is shared by the gopls configurations. No keyword nor predeclared name ends
# with these letters, so typed after an identifier they never make one.
TYPED = "xqzjvybdgmsiu"
STRIDES = [7919, 7927, 7933, 7937, 7949, 7951, 7963, 7993, 8009, 8011, 8017, 8039, 8053]


def variant(run, server):
    """Which letter and stride a (run, server) pair uses: all differ for up to 4 runs."""
    return ((run - 1) * len(SERVERS) + sorted(SERVERS).index(server)) % len(TYPED)


def spread_over(pool, count, variant):
    """`count` picks spread over the pool, with the stride of that variant (a prime: coprime to
    the pool's length unless it divides it)."""
    stride = STRIDES[variant]
    return [pool[(i * stride) % len(pool)] for i in range(count)]


def edit_sites(lines, count, variant=0):
    """Places to insert a character in the middle half of the file, one per line: the end of
    a line comment on even lines, of the last identifier outside literals on odd ones (either
    when a line has only one). Returns `count` (line, utf16 column) pairs spread over the file,
    on distinct lines while there are enough."""
    pool = []
    for n in middle(lines):
        line = lines[n]
        code, sep, _ = line.partition("//")
        comment = utf16_len(line) if sep and '"' not in code and "`" not in code else None
        ident = None
        if not any(q in code for q in "\"`'"):
            m = last_identifier(code)
            ident = utf16_len(code[: m.end()]) if m else None
        cols = [c for c in ((comment, ident) if n % 2 == 0 else (ident, comment)) if c is not None]
        if cols:
            pool.append((n, cols[0]))
    if not pool:
        # A file without either: the middle of the middle line will do.
        n = len(lines) // 2
        return [(n, utf16_len(lines[n]) // 2)] * count
    return spread_over(pool, count, variant)


def space_sites(lines, count, variant=0):
    """Places to type a space: before the last identifier of a line in the middle half of the
    file (outside literals). A space there is not part of any token, so the server reparses."""
    pool = []
    for n in middle(lines):
        code = lines[n].partition("//")[0]
        if '"' in code or "`" in code or "'" in code:
            continue
        m = last_identifier(code)
        if m:
            pool.append((n, utf16_len(code[: m.start()])))
    return spread_over(pool, count, variant) if pool else []


def sites_for(edits):
    """Sites that Editor.type_and_delete needs for that many edits."""
    return edits // 2 + 1


def percentile(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(1, math.ceil(p / 100 * len(s))) - 1]


class Editor:
    """One open document on a server: sends edits and times them."""

    def __init__(self, server, path, timeout):
        self.server, self.uri, self.timeout = server, path.as_uri(), timeout
        self.version = 1
        self.timeouts = 0

    def change(self, changes):
        """Seconds from didChange to its diagnostics, or None after a timeout."""
        self.version += 1
        t0 = self.server.change(self.uri, self.version, changes)
        try:
            t1, _ = self.server.diagnostics(self.uri, self.version, self.timeout)
        except TimeoutError:
            self.timeouts += 1
            return None
        return t1 - t0

    def type_and_delete(self, sites, char, limit):
        """`limit` single-character edits: types `char` at the first site, then at each next
        site types it and deletes the one typed at the site before. Every version of the text
        is new (a server that caches by content, as gopls does, cannot answer from its cache)
        and the text never holds more than two extra characters. Sites must be on distinct
        lines, or at least differ from the one before. Returns the times, timeouts left out."""
        out = []
        previous = None
        for line, col in sites:
            at = {"line": line, "character": col}
            todo = [({"start": at, "end": at}, char)]
            if previous:
                (pl, pc) = previous
                todo.append(({"start": {"line": pl, "character": pc},
                              "end": {"line": pl, "character": pc + 1}}, ""))
            for r, text in todo:
                if len(out) < limit:
                    out.append(self.change([{"range": r, "text": text}]))
            previous = (line, col)
        return [t for t in out if t is not None]


def measure(args, path):
    text = path.read_text(encoding="utf-8")
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    workspace = Path(args.workspace).resolve() if args.workspace else module_root(path)
    with Server(args.server) as server:
        t0 = server.initialize([workspace])
        loaded = server.settle(timeout=args.load_timeout) - t0
        t_open = server.open(path, text)
        t1, first = server.diagnostics(path.as_uri(), 1, args.load_timeout)
        server.settle(timeout=args.load_timeout)
        server.drain()
        editor = Editor(server, path, args.timeout)
        v = variant(args.run, args.server)
        edits = editor.type_and_delete(edit_sites(lines, sites_for(args.edits), v), TYPED[v],
                                       args.edits)
        reparse = editor.type_and_delete(space_sites(lines, sites_for(args.reparse_edits), v),
                                         " ", args.reparse_edits)
        full = [t for t in (editor.change([{"text": text}]) for _ in range(args.full))
                if t is not None]
        code = server.shutdown()
    return {
        "kind": "edit_latency", "server": args.server, "label": args.label, "run": args.run,
        "file": str(path), "workspace": str(workspace),
        "bytes": len(text.encode("utf-8")), "lines": len(lines),
        "load_s": loaded, "open_s": t1 - t_open, "open_diagnostics": len(first["diagnostics"]),
        "edits_s": edits, "reparse_s": reparse, "full_s": full,
        "timeouts": editor.timeouts, "timeout_s": args.timeout, "exit_code": code,
    }


def print_table(r):
    def ms(seconds):
        return "%.2f ms" % (seconds * 1000)

    rows = [("server", r["server"]), ("file", r["file"]),
            ("size", "%d bytes, %d lines" % (r["bytes"], r["lines"])),
            ("workspace loaded (waited)", ms(r["load_s"])),
            ("open (first diagnostics)", ms(r["open_s"])),
            ("timeouts", str(r["timeouts"]))]
    for key, title in (("edits_s", "single-character edits"),
                       ("reparse_s", "edits that reparse (space)"),
                       ("full_s", "full-text changes")):
        if r[key]:
            rows.append((title, str(len(r[key]))))
            rows += [("  p%d" % p, ms(percentile(r[key], p))) for p in (50, 90, 99)]
            rows.append(("  max", ms(max(r[key]))))
    rows.append(("server exit code", str(r["exit_code"])))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print("%-*s  %s" % (width, k, v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default="leakls", choices=sorted(SERVERS),
                    help="binaries from $LEAKLS (default target/release/leakls) and $GOPLS")
    ap.add_argument("--file", help="the Go file to edit (default: the largest under GOROOT/src)")
    ap.add_argument("--workspace", help="workspace folder (default: the file's module root)")
    ap.add_argument("--label", default="", help="a name for the file in the results")
    ap.add_argument("--edits", type=int, default=200,
                    help="single-character edits, insertions and deletions (default 200)")
    ap.add_argument("--reparse-edits", type=int, default=0,
                    help="spaces typed before an identifier and deleted: edits that reparse")
    ap.add_argument("--full", type=int, default=0, help="whole-text changes")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds to wait for one edit's diagnostics (default 60)")
    ap.add_argument("--load-timeout", type=float, default=1800.0,
                    help="seconds to wait for the workspace to load (default 1800)")
    raw.add_arguments(ap)
    args = ap.parse_args()

    path = Path(args.file).resolve() if args.file else largest_goroot_file()
    result = measure(args, path)
    if args.json:
        raw.emit(result, args.json)
    else:
        print_table(result)
    if result["exit_code"] != 0:
        sys.exit("%s exited with %d after shutdown/exit" % (args.server, result["exit_code"]))


if __name__ == "__main__":
    main()
