#!/usr/bin/env bash
# Fills fuzz/corpus/analyze_mutated_go/ with the Go fixtures under tests/testdata/src: every
# file alone, and each fixture module as one input whose files follow `//file <path>` lines (see
# FILE_MARKER in fuzz/src/lib.rs). Import paths are rewritten to the module the fuzz harness
# indexes them under (leakls.test/m), so the cross-file checks see the other files.
set -euo pipefail
cd "$(dirname "$0")"
src=../tests/testdata/src
out=corpus/analyze_mutated_go
mkdir -p "$out"
written=0
for module in "$src"/*/; do
    name=$(basename "$module")
    combined="$out/module-$name"
    : >"$combined"
    while IFS= read -r file; do
        rel=${file#"$module"}
        rewritten=$(sed "s#leakls\.test/$name#leakls.test/m#g" "$file"; echo x)
        rewritten=${rewritten%x}
        printf '%s' "$rewritten" >"$out/file-$name-${rel//\//-}"
        written=$((written + 1))
        printf '\n//file %s\n%s' "$rel" "$rewritten" >>"$combined"
    done < <(find "$module" -name '*.go' | sort)
    written=$((written + 1))
done
echo "$written seeds in fuzz/$out"

# document_edits decodes its input into a script (see decode_script): any bytes make one, longer
# ones make more notifications. Deterministic pseudo-random seeds of 64 to 640 bytes.
out=corpus/document_edits
mkdir -p "$out"
state=1
for n in $(seq 1 32); do
    bytes=""
    for _ in $(seq 1 $((64 + (n * 37) % 577))); do
        state=$(( (state * 1103515245 + 12345) % 2147483648 ))
        bytes+=$(printf '\\x%02x' $(( (state >> 16) & 255 )))
    done
    printf "$bytes" >"$out/seed-$n"
done
echo "32 seeds in fuzz/$out"
