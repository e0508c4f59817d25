#!/usr/bin/env python3
"""The benchmark corpus: the Go toolchain's source plus the third-party modules the installed
tools are built from, and the files the editor measurements open.

    python3 bench/corpus.py --work target/bench [--small] > target/bench/corpus.json

Full: $(go env GOROOT)/src, plus writable copies (under WORK/corpus/) of golang.org/x/tools at the
version gopls is built with and honnef.co/go/tools at the version staticcheck is built with,
taken from the module cache. Copies, because the module cache is read-only and go vet and
staticcheck want to write nothing there either way; `go mod download` in each copy fetches what
its tests import, so that the timed runs need no network. A module zip leaves out nested modules,
so the x/tools copy is its root module only (gopls, a module of its own, is not in it).

--small: the honnef.co/go/tools copy alone (about 600 files), to try the scripts quickly.

Prints JSON: roots (what leakls is given), modules (where `go vet ./...` and `staticcheck ./...`
run), files/bytes/lines as leakls discovers them, and the largest and the medium file with the
module root each lives in (the workspace the editor measurements open).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

MEDIUM_LINES = 1000


def go(*args, cwd=None):
    return subprocess.run(["go", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def module_version(binary, module):
    """The version of `module` that a Go binary was built with (`go version -m`)."""
    for line in go("version", "-m", binary).splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] in ("mod", "dep") and f[1] == module:
            return f[2]
    sys.exit(f"{binary} is not built with {module}")


def copy_module(work, module, version):
    """A writable copy of module@version from the module cache, its dependencies downloaded."""
    dest = work / "corpus" / f"{module}@{version}"
    if not dest.exists():
        src = Path(go("env", "GOMODCACHE")) / f"{module}@{version}"
        if not src.exists():
            go("mod", "download", f"{module}@{version}")
        tmp = dest.with_name(dest.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp)
        for root, dirs, files in os.walk(tmp):
            for n in dirs + files:
                p = os.path.join(root, n)
                os.chmod(p, os.stat(p).st_mode | 0o200)
        go("mod", "download", cwd=tmp)
        tmp.rename(dest)
    return dest


def skipped_dir(name):
    """Folders leakls (and the go command) leave out: src/workspace/discover.rs."""
    return name in ("vendor", "testdata") or name.startswith((".", "_"))


def go_files(roots):
    for root in roots:
        for dirpath, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not skipped_dir(d))
            for n in sorted(names):
                if n.endswith(".go") and not n.startswith((".", "_")):
                    yield Path(dirpath) / n


def module_root(path):
    for d in path.parents:
        if (d / "go.mod").exists():
            return d
    return path.parent


def is_generated(text):
    head = text[:4096]
    return "// Code generated" in head and "DO NOT EDIT" in head


def describe(roots, modules):
    files = bytes_ = lines = 0
    largest = (0, None)
    medium = None  # (distance from MEDIUM_LINES, path, lines)
    for path in go_files(roots):
        data = path.read_bytes()
        n = data.count(b"\n")
        files += 1
        bytes_ += len(data)
        lines += n
        largest = max(largest, (len(data), str(path)))
        if not path.name.endswith("_test.go"):
            text = data.decode("utf-8", "replace")
            key = (abs(n - MEDIUM_LINES), str(path), n)
            if (medium is None or key < medium) and not is_generated(text):
                medium = key
    largest_path = Path(largest[1])
    medium_path = Path(medium[1])

    def file_info(path):
        data = path.read_bytes()
        return {"path": str(path), "bytes": len(data), "lines": data.count(b"\n"),
                "workspace": str(module_root(path))}

    return {
        "roots": [str(r) for r in roots],
        "modules": [str(m) for m in modules],
        "files": files, "bytes": bytes_, "lines": lines,
        "largest": file_info(largest_path),
        "medium": file_info(medium_path),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", required=True, help="where the module copies go")
    ap.add_argument("--small", action="store_true", help="one small module, to try the scripts")
    ap.add_argument("--gopls", default=os.environ.get("GOPLS", "gopls"))
    ap.add_argument("--staticcheck", default=os.environ.get("STATICCHECK", "staticcheck"))
    args = ap.parse_args()
    work = Path(args.work).resolve()
    gopls = shutil.which(args.gopls) or args.gopls
    staticcheck = shutil.which(args.staticcheck) or args.staticcheck

    xtools = copy_module(work, "golang.org/x/tools", module_version(gopls, "golang.org/x/tools"))
    gotools = copy_module(work, "honnef.co/go/tools",
                          module_version(staticcheck, "honnef.co/go/tools"))
    if args.small:
        roots, modules = [gotools], [gotools]
    else:
        src = Path(go("env", "GOROOT")) / "src"
        # GOROOT/src holds two modules: std, and cmd below it.
        roots, modules = [src, xtools, gotools], [src, src / "cmd", xtools, gotools]
    info = describe(roots, modules)
    info["small"] = args.small
    json.dump(info, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
