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
for module in "$src"/*/; do
    name=$(basename "$module")
    combined="$out/module-$name"
    : >"$combined"
    while IFS= read -r file; do
        rel=${file#"$module"}
        rewritten=$(sed "s#leakls\.test/$name#leakls.test/m#g" "$file"; echo x)
        rewritten=${rewritten%x}
        printf '%s' "$rewritten" >"$out/file-$name-${rel//\//-}"
        printf '\n//file %s\n%s' "$rel" "$rewritten" >>"$combined"
    done < <(find "$module" -name '*.go' | sort)
done
echo "$(ls "$out" | wc -l) seeds in fuzz/$out"
