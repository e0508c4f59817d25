#!/usr/bin/env bash
# Proof on a real heap: runs the wshub server under load, lets leakls fix it, runs the same load
# again, and draws both heap curves in one SVG (docs/wshub-heap.svg unless a path is given).
#
#   examples/wshub/demo.sh [OUT.svg]
#
# Needs Go (1.22 or newer) and Rust; set LEAKLS=/path/to/leakls to use a built binary instead of
# `cargo run --release`. Everything runs on a copy in a temporary folder; it takes well under a
# minute once leakls is built. CONNS and WAVE set the load (default 20000 connections, 1000 at
# a time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$(realpath -m "${1:-$repo/docs/wshub-heap.svg}")
conns=${CONNS:-20000}
wave=${WAVE:-1000}

leakls() {
	if [[ -n ${LEAKLS:-} ]]; then
		"$LEAKLS" "$@"
	else
		cargo run --release --quiet --manifest-path "$repo/Cargo.toml" -- "$@"
	fi
}

# leakls check exits with 1 when it reports findings; anything else is a failure here.
expect_findings() {
	local status=0
	leakls "$@" || status=$?
	if [[ $status != 1 ]]; then
		echo "demo: leakls $* exited with $status, expected 1 (findings)" >&2
		exit 1
	fi
}

work=$(mktemp -d)
server_pid=
cleanup() {
	if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# run_load LABEL: builds the server from the copy, serves the load, and leaves LABEL.csv.
run_load() {
	local label=$1
	(cd "$work/wshub" && go build -o "$work/server-$label" .)
	"$work/server-$label" -addrfile "$work/addr-$label" -csv "$work/$label.csv" \
		-heapdir "$work/heap-$label" -limit 2m &
	server_pid=$!
	for _ in $(seq 100); do
		[[ -s $work/addr-$label ]] && break
		sleep 0.1
	done
	echo "== load, $label: $conns connections, $wave at a time (rows: connections,heap_bytes,heap_objects,goroutines,sessions)"
	"$work/load" -addrfile "$work/addr-$label" -conns "$conns" -wave "$wave" -timeout 1m
	wait "$server_pid"
	server_pid=
	# What grew between the first wave and the last, on the lines that allocate it.
	local profiles=("$work/heap-$label"/heap-*.pb.gz)
	echo "== leakls heap, $label: live heap growth from the start to the last wave"
	(cd "$work" && leakls heap --workspace wshub --top 8 \
		--base "${profiles[0]}" "${profiles[-1]}" | sed -n '1,10p')
}

[[ -n ${LEAKLS:-} ]] || cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
cp -R "$here" "$work/wshub"
(cd "$work/wshub" && go build -o "$work/load" ./load)

echo "== leakls check (before)"
(cd "$work" && expect_findings check wshub)
run_load before

echo "== leakls check --fix (global-growth has no automatic fix, so it remains)"
(cd "$work" && expect_findings check --fix wshub)
diff -ru "$here" "$work/wshub" || true
(cd "$work/wshub" && test -z "$(gofmt -l .)" && go vet ./...)
run_load after

(cd "$work/wshub" && go run ./plot -before "$work/before.csv" -after "$work/after.csv" -o "$out")
echo "== wrote $out"
