#!/usr/bin/env python3
"""What a benchmark run ran on: date, machine, tool versions, and the BENCH_* knobs in force.

    python3 bench/environment.py > environment.json

Binaries come from $LEAKLS, $GOPLS and $STATICCHECK (as the other scripts); $GOBIN/
gopls-install.txt (written by install_tools.sh) says which gopls was installed and why.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import REPO, spec  # noqa: E402


def first_line(*argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        return f"unknown ({e})"
    return out.strip().splitlines()[0] if out.strip() else ""


def machine():
    info = {"cores": os.cpu_count()}
    with open("/proc/meminfo") as f:
        info["mem_total_kb"] = int(next(ln for ln in f if ln.startswith("MemTotal:")).split()[1])
    with open("/proc/cpuinfo") as f:
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in f
                            if ln.startswith("model name")), "unknown")
    info["kernel"] = os.uname().release
    return info


def main():
    gopls = spec("gopls")[0][0]
    note = Path(os.environ.get("GOBIN", "")) / "gopls-install.txt"
    rev = first_line("git", "rev-parse", "--short", "HEAD")
    dirty = first_line("git", "status", "--porcelain", "--untracked-files=no", "--", "src",
                       "Cargo.toml", "Cargo.lock")
    json.dump({
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": {
            "leakls": rev + (" (with uncommitted changes to src)" if dirty else ""),
            "rustc": first_line("rustc", "--version"),
            "go": first_line("go", "version"),
            "gopls": first_line(gopls, "version").replace("golang.org/x/tools/gopls ", ""),
            "staticcheck": first_line(os.environ.get("STATICCHECK", "staticcheck"), "-version"),
        },
        "gopls_install": note.read_text().strip() if note.is_file() else "",
        "knobs": {k: v for k, v in sorted(os.environ.items()) if k.startswith("BENCH_")},
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
