"""A small LSP client for the benchmarks, Python 3 standard library only.

`Server` starts a language server, speaks LSP over its stdin/stdout with `Content-Length`
framing, and reads the server's messages on a thread, timestamped with `time.perf_counter`
the moment they are decoded. It tracks `$/progress` tokens, and reads the server's memory and
CPU (with its child processes: gopls runs `go list`) from /proc.

`spec(name)` says how to start each server the benchmarks compare.
"""

import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 120.0  # default seconds to wait for any one answer
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The servers compared, by the name the scripts and RESULTS.md use.
#   gopls: default settings. After an edit gopls publishes twice: at once the parse and
#     type-check diagnostics of the edited package, then after `diagnosticsDelay` (1 s) those
#     of the analyzers, if they differ. The first is what a user sees first.
#   gopls-staticcheck: `staticcheck: true` and `diagnosticsDelay: 0s`: one publication that
#     includes every analyzer (staticcheck's too), so the time measured is what the analyzers
#     cost, not the debounce.
SERVERS = {
    "leakls": {"binary": "LEAKLS", "default": str(REPO / "target/release/leakls"), "options": None},
    "gopls": {"binary": "GOPLS", "default": "gopls", "options": {}},
    "gopls-staticcheck": {"binary": "GOPLS", "default": "gopls",
                          "options": {"staticcheck": True, "diagnosticsDelay": "0s"}},
}


def spec(name):
    """(argv, initializationOptions) of a server; the binary comes from $LEAKLS / $GOPLS."""
    s = SERVERS[name]
    return [os.environ.get(s["binary"], s["default"])], s["options"]


class Server:
    """An LSP server on the other end of two pipes, with a thread reading its messages."""

    def __init__(self, name, env=None, stderr=subprocess.DEVNULL):
        argv, self.options = spec(name)
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr, env=env)
        self.messages = queue.Queue()
        self.write_lock = threading.Lock()
        self.progress_lock = threading.Lock()
        self.progress_active = set()  # tokens begun and not yet ended
        self.next_id = 1
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

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
                t = time.perf_counter()
                if "method" in msg and "id" in msg:
                    self._answer(msg)
                if msg.get("method") == "$/progress":
                    self._track_progress(msg["params"])
                self.messages.put((t, msg))
        finally:
            self.messages.put((time.perf_counter(), None))

    def _answer(self, request):
        """Answers a request from the server so that it never waits on us: `null`, or one
        `null` per item asked for by workspace/configuration."""
        result = None
        if request["method"] == "workspace/configuration":
            result = [None] * len(request.get("params", {}).get("items", []))
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _track_progress(self, params):
        kind = params.get("value", {}).get("kind")
        with self.progress_lock:
            if kind == "begin":
                self.progress_active.add(str(params.get("token")))
            elif kind == "end":
                self.progress_active.discard(str(params.get("token")))

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

    def request(self, method, params, timeout=TIMEOUT):
        rid = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)[1]

    def wait(self, pred, timeout=TIMEOUT):
        """Returns (arrival time, message) of the first message matching pred; the messages
        before it are dropped."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("%s: no matching message in %.0f s" % (self.name, timeout))
            try:
                t, msg = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise RuntimeError("%s exited (code %s)" % (self.name, self.proc.poll()))
            if pred(msg):
                return t, msg

    # -- the LSP conversation --------------------------------------------------------------

    def initialize(self, folders, timeout=TIMEOUT):
        """initialize + initialized with these workspace folders (the first is rootUri),
        offering work-done progress so that the servers report their loading. No
        positionEncodings offer: UTF-16, as most editors. Returns perf_counter before it."""
        uris = [Path(f).resolve().as_uri() for f in folders]
        t0 = time.perf_counter()
        self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": uris[0],
            "workspaceFolders": [{"uri": u, "name": Path(f).name} for u, f in zip(uris, folders)],
            "capabilities": {
                "window": {"workDoneProgress": True},
                "workspace": {"workspaceFolders": True},
                "textDocument": {"publishDiagnostics": {"versionSupport": True}},
            },
            "initializationOptions": self.options,
            "clientInfo": {"name": "leakls-bench"},
        }, timeout)
        self.notify("initialized", {})
        return t0

    def open(self, path, text, version=1):
        """didOpen; returns perf_counter just before the write."""
        return self.notify("textDocument/didOpen", {"textDocument": {
            "uri": Path(path).as_uri(), "languageId": "go", "version": version, "text": text}})

    def change(self, uri, version, changes):
        return self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    def close(self, uri):
        return self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def diagnostics(self, uri, version=None, timeout=TIMEOUT):
        """(arrival time, params) of the next publishDiagnostics for uri whose version is at
        least `version` (any, when None). URIs are compared unescaped: gopls writes `@` where
        pathlib writes `%40`."""
        uri = unquote(uri)

        def match(m):
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            p = m["params"]
            fresh = version is None or p.get("version", 0) >= version
            return fresh and unquote(p.get("uri", "")) == uri

        t, msg = self.wait(match, timeout)
        return t, msg["params"]

    def drain(self):
        """Drops the messages read so far."""
        while True:
            try:
                if self.messages.get_nowait()[1] is None:
                    self.messages.put((time.perf_counter(), None))
                    return
            except queue.Empty:
                return

    def settle(self, idle=2.0, timeout=1800.0):
        """Waits until, for `idle` seconds, no `$/progress` has been running and the server
        with its children has used under 5% of a core with no thread waiting for one (a
        starved server uses little CPU too). Returns the perf_counter time it went quiet."""
        deadline = time.perf_counter() + timeout
        step = 0.25
        cpu = self.cpu_seconds()
        quiet_since = time.perf_counter()
        while True:
            time.sleep(step)
            now = time.perf_counter()
            now_cpu = self.cpu_seconds()
            used, cpu = now_cpu - cpu, now_cpu
            with self.progress_lock:
                busy = bool(self.progress_active)
            if busy or used > 0.05 * step or self.runnable():
                quiet_since = now
            elif now - quiet_since >= idle:
                return quiet_since
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited (code %s)" % (self.name, self.proc.poll()))
            if now > deadline:
                raise TimeoutError("%s: not quiet after %.0f s" % (self.name, timeout))

    def shutdown(self, timeout=30.0):
        """shutdown + exit; returns the exit code."""
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.proc.wait(timeout=timeout)

    # -- the process -------------------------------------------------------------------------

    def memory_kb(self, key):
        """A line of /proc/PID/status in kB: VmRSS (now) or VmHWM (peak)."""
        return proc_status_kb(self.proc.pid, key)

    def runnable(self):
        """Whether a thread of the server or of a child is running or waiting for a core."""
        return any(runnable_threads(pid) for pid in [self.proc.pid] + descendants(self.proc.pid))

    def cpu_seconds(self):
        """User + system CPU of the server and every process below it."""
        return sum(cpu_of(pid) for pid in [self.proc.pid] + descendants(self.proc.pid))


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def runnable_threads(pid):
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    n = 0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                n += f.read().rsplit(")", 1)[1].split()[0] == "R"
        except OSError:
            continue
    return n


def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out
