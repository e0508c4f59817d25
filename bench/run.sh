#!/usr/bin/env bash
# The benchmark, in one command: builds leakls, installs gopls and staticcheck, prepares the
# corpus, runs every measurement BENCH_RUNS times, pair by pair (each run measures every tool of
# a comparison one after the other), and writes bench/RESULTS.md and bench/results.json.
# Knobs (environment, all recorded in RESULTS.md): see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

export BENCH_RUNS=${BENCH_RUNS:-3}
export BENCH_EDITS=${BENCH_EDITS:-200}
export BENCH_GOPLS_LARGEST_EDITS=${BENCH_GOPLS_LARGEST_EDITS:-40}
export BENCH_STATICCHECK_EDITS=${BENCH_STATICCHECK_EDITS:-20}
export BENCH_REPARSE_EDITS=${BENCH_REPARSE_EDITS:-40}
export BENCH_FULL=${BENCH_FULL:-20}
export BENCH_EDIT_TIMEOUT=${BENCH_EDIT_TIMEOUT:-120}
export BENCH_STEADY_WARMUP=${BENCH_STEADY_WARMUP:-100}
export BENCH_STEADY_EDITS=${BENCH_STEADY_EDITS:-10000}
export BENCH_STEADY_FILES=${BENCH_STEADY_FILES:-500}
export BENCH_ONLY=${BENCH_ONLY:-edit cold ci steady}
BENCH_SMALL=${BENCH_SMALL:-0}
[ "$BENCH_SMALL" = 1 ] && export BENCH_SMALL

work=$(realpath -m "${BENCH_WORK:-target/bench}")
# A trial on the small corpus never overwrites the committed results.
out=${BENCH_OUT:-$([ "$BENCH_SMALL" = 1 ] && echo "$work" || echo bench)}
raw=$work/raw.jsonl
mkdir -p "$work"
export GOBIN=$work/bin GOPLSCACHE=$work/gopls-cache
export LEAKLS=$PWD/target/release/leakls GOPLS=$GOBIN/gopls STATICCHECK=$GOBIN/staticcheck

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]][sys.argv[3]])' "$@"; }
wants() { [[ " $BENCH_ONLY " == *" $1 "* ]]; }
# Runs one measurement script; a failure is recorded and the run goes on.
measure() {
    local what=$1
    shift
    log "run $run: $what"
    if ! python3 "$@" --run "$run" --json "$raw"; then
        printf '{"kind": "failure", "run": %d, "what": "%s"}\n' "$run" "$what" >>"$raw"
    fi
}

if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (/usr/bin/time -v measures peak RSS)"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
log "building leakls"
cargo build --release --quiet
log "installing gopls and staticcheck into $GOBIN"
bench/install_tools.sh
log "preparing the corpus"
python3 bench/corpus.py --work "$work" $([ "$BENCH_SMALL" = 1 ] && echo --small) >"$work/corpus.json"
python3 bench/environment.py >"$work/environment.json"
: >"$raw"
# gopls's cache on disk starts empty, so that no earlier benchmark has seen the texts edited.
rm -rf "$GOPLSCACHE"

for run in $(seq 1 "$BENCH_RUNS"); do
    if wants edit; then
        for label in largest medium; do
            file=$(field "$work/corpus.json" "$label" path)
            for server in leakls gopls gopls-staticcheck; do
                case $server/$label in
                    leakls/*) n=$BENCH_EDITS
                        extra=(--reparse-edits "$BENCH_REPARSE_EDITS" --full "$BENCH_FULL") ;;
                    gopls/largest) n=$BENCH_GOPLS_LARGEST_EDITS extra=() ;;
                    gopls/*) n=$BENCH_EDITS extra=() ;;
                    gopls-staticcheck/*) n=$BENCH_STATICCHECK_EDITS extra=() ;;
                esac
                measure "edit latency, $server, $label file" bench/edit_latency.py \
                    --server "$server" --file "$file" --label "$label" --edits "$n" \
                    --timeout "$BENCH_EDIT_TIMEOUT" "${extra[@]}"
            done
        done
    fi
    if wants cold; then
        for server in leakls gopls; do
            measure "cold start, $server" bench/cold_start.py --corpus "$work/corpus.json" \
                --server "$server"
        done
    fi
    if wants ci; then
        ci() {
            local what=$1
            shift
            measure "$what" bench/ci_tools.py --corpus "$work/corpus.json" --tool "$@"
        }
        # Warm runs reuse the caches their cold run just filled.
        ci "leakls check" leakls-check
        ci "go vet, cold" go-vet --cache-dir "$work/cache/go-vet" --cold
        ci "staticcheck, cold" staticcheck --cache-dir "$work/cache/staticcheck" --cold
        ci "leakls parse" leakls-parse
        ci "go vet, warm" go-vet --cache-dir "$work/cache/go-vet"
        ci "staticcheck, warm" staticcheck --cache-dir "$work/cache/staticcheck"
    fi
    if wants steady; then
        measure "steady state, leakls" bench/steady_state.py --corpus "$work/corpus.json" \
            --warmup "$BENCH_STEADY_WARMUP" --edits "$BENCH_STEADY_EDITS" \
            --files "$BENCH_STEADY_FILES"
    fi
done

python3 bench/report.py --work "$work" --out "$out"
log "wrote $out/RESULTS.md and $out/results.json"
