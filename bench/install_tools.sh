#!/usr/bin/env bash
# Installs gopls and staticcheck into $GOBIN (run.sh sets it to target/bench/bin) with
# `go install ...@latest`. When gopls@latest needs a newer Go than this machine's (GOTOOLCHAIN=local
# cannot fetch one), falls back to the newest release that installs, and writes why to
# $GOBIN/gopls-install.txt, which RESULTS.md quotes.
set -euo pipefail
: "${GOBIN:?set GOBIN}"
mkdir -p "$GOBIN"
note="$GOBIN/gopls-install.txt"

if err=$(go install golang.org/x/tools/gopls@latest 2>&1); then
    echo "golang.org/x/tools/gopls@latest" >"$note"
else
    latest=$(go list -m golang.org/x/tools/gopls@latest 2>/dev/null | awk '{print $2}')
    installed=""
    # Releases only (no -pre), newest first.
    for v in $(go list -m -versions golang.org/x/tools/gopls | tr ' ' '\n' | tail -n +2 \
               | grep -v -- - | sort -rV); do
        [ "$v" = "$latest" ] && continue
        if go install "golang.org/x/tools/gopls@$v" 2>/dev/null; then
            installed=$v
            break
        fi
    done
    [ -n "$installed" ] || { echo "no gopls release installs: $err" >&2; exit 1; }
    reason=$(printf '%s\n' "$err" | grep -m1 -i 'requires go' || printf '%s\n' "$err" | tail -n 1)
    echo "gopls@latest ($latest) does not install here: ${reason#go: }; installed $installed," \
         "the newest release that does" >"$note"
fi
go install honnef.co/go/tools/cmd/staticcheck@latest
cat "$note" >&2
