#!/usr/bin/env python3
"""How long `leakls heap` takes on a large heap profile, and how much memory: a table.

    python3 bench/heap/decode.py [--leakls BIN] [--megabytes 10] [--runs 5]

Writes a synthetic Go heap profile (profile.proto, gzipped; the four sample types of a Go heap
profile, stacks 8 to 40 frames deep over a few thousand functions, a seeded random generator so
every run writes the same bytes) of about --megabytes on disk, with a workspace of Go files for
its paths to map to, then times `leakls heap --top 20` on it (decode, map, sum per line and per
function, print) and reads the peak RSS of each run. The profile format is written here from
profile.proto's field numbers.
"""

import argparse
import gzip
import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, payload):
    """A length-delimited field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def int_field(number, value):
    return varint(number << 3) + varint(value)


def packed(number, values):
    return field(number, b"".join(varint(v) for v in values))


def profile(target_bytes, seed=1):
    rng = random.Random(seed)
    strings = ["", "inuse_objects", "count", "inuse_space", "bytes", "alloc_objects",
               "alloc_space", "space"]
    index = {s: i for i, s in enumerate(strings)}

    def s(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    out = bytearray()
    for t, u in [("alloc_objects", "count"), ("alloc_space", "bytes"),
                 ("inuse_objects", "count"), ("inuse_space", "bytes")]:
        out += field(1, int_field(1, s(t)) + int_field(2, s(u)))
    packages = [f"example.com/svc/pkg{p}" for p in range(60)]
    functions = []
    for f in range(4000):
        pkg = rng.choice(packages)
        name = f"{pkg}.fn{f}"
        file = f"{pkg}/file{f % 25}.go"
        functions.append((f + 1, s(name), s(file)))
        out += field(5, int_field(1, f + 1) + int_field(2, s(name)) + int_field(4, s(file)))
    locations = 20000
    for loc in range(1, locations + 1):
        lines = b""
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            fid = rng.randrange(1, len(functions) + 1)
            lines += field(4, int_field(1, fid) + int_field(2, rng.randrange(1, 2000)))
        out += field(4, int_field(1, loc) + int_field(3, 0x400000 + loc * 16) + lines)
    samples = bytearray()
    compressed = 0
    while True:
        for _ in range(2000):
            stack = [rng.randrange(1, locations + 1) for _ in range(rng.randrange(8, 41))]
            objs = rng.randrange(1, 500)
            size = objs * rng.choice([16, 32, 64, 512, 4096])
            inuse = rng.randrange(0, objs + 1)
            values = [objs, size, inuse, size * inuse // objs]
            samples += field(2, packed(1, stack) + packed(2, values))
        compressed = len(gzip.compress(bytes(samples), 1))
        if compressed >= target_bytes * 0.92:
            break
    out += samples
    for text in strings:
        out += field(6, text.encode())
    return gzip.compress(bytes(out), 6), packages


def run(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    err = proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"decode.py: {' '.join(cmd)} failed: {err}")
    return took, usage.ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--leakls", default=str(ROOT / "target/release/leakls"))
    ap.add_argument("--megabytes", type=float, default=10)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data, packages = profile(int(args.megabytes * 1e6))
        path = tmp / "big.pb.gz"
        path.write_bytes(data)
        for pkg in packages:
            d = tmp / "ws" / pkg
            d.mkdir(parents=True)
            for i in range(25):
                (d / f"file{i}.go").write_text(f"package {pkg.rsplit('/', 1)[1]}\n")
        cmd = [args.leakls, "heap", "--top", "20", "--workspace", str(tmp / "ws"), str(path)]
        results = [run(cmd) for _ in range(args.runs)]
        times = [t for t, _ in results]
        rss = max(r for _, r in results)
        raw = len(gzip.decompress(data))
        print(f"{'profile':28} {'gzipped MB':>10} {'raw MB':>7} {'median s':>9} {'max s':>6} "
              f"{'peak RSS MB':>11}")
        print(f"{'synthetic heap profile':28} {len(data) / 1e6:10.1f} {raw / 1e6:7.1f} "
              f"{statistics.median(times):9.3f} {max(times):6.3f} {rss / 1e6:11.1f}")


if __name__ == "__main__":
    main()
