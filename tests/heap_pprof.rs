//! `leakls heap` against `go tool pprof`: a real Go program writes heap profiles during the
//! test, and for every sample type, with and without a base profile, every line `go tool pprof
//! -top -lines` prints has the same flat and cum figures in `leakls heap --format json`.
//! Bad input gets an error that names the file and what is wrong.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use support::{go, heap_profile_in};

mod support;

const PROGRAM: &str = r#"package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
)

// Every allocation is sampled: the figures are exact, whatever the schedule.
var _ = func() int { runtime.MemProfileRate = 1; return 0 }()

type hub struct {
	conns [][]byte
	names map[int]string
}

func (h *hub) add(n int) {
	for i := 0; i < n; i++ {
		h.conns = append(h.conns, make([]byte, 512+i%7))
		h.names[len(h.names)] = strings.Repeat("x", i%40)
	}
}

func small(n int) []*[48]byte {
	var out []*[48]byte
	for i := 0; i < n; i++ {
		out = append(out, new([48]byte))
	}
	return out
}

var kept [][]*[48]byte

func write(path string) {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
}

func main() {
	h := &hub{names: map[int]string{}}
	h.add(300)
	kept = append(kept, small(100))
	write(os.Args[1])
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := small(50)
			kept = append(kept[:0:0], b)
		}()
		wg.Wait()
	}
	h.add(700)
	write(os.Args[2])
	runtime.KeepAlive(h)
}
"#;

fn leakls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leakls"))
        .arg("heap")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A line: (function, file, line).
type Key = (String, String, i64);

/// (function, file, line) → (flat, cum), from `go tool pprof -top -lines -unit=B`.
fn pprof_rows(text: &str) -> Vec<(Key, (i64, i64))> {
    let mut rows = Vec::new();
    let mut table = false;
    for line in text.lines() {
        if line.trim_start().starts_with("flat") {
            table = true;
            continue;
        }
        if !table {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        // flat flat% sum% cum cum% function file:line [(inline)]
        let place = fields[6];
        let (file, number) = place.rsplit_once(':').expect("file:line");
        let value = |s: &str| s.trim_end_matches('B').parse::<i64>().expect("a number");
        rows.push((
            (
                fields[5].to_string(),
                file.to_string(),
                number.parse().unwrap(),
            ),
            (value(fields[0]), value(fields[3])),
        ));
    }
    rows
}

fn ours(json: &Value) -> std::collections::HashMap<Key, (i64, i64)> {
    json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r["function"].as_str().unwrap().to_string(),
                    r["file"].as_str().unwrap().to_string(),
                    r["line"].as_i64().unwrap(),
                ),
                (r["flat"].as_i64().unwrap(), r["cum"].as_i64().unwrap()),
            )
        })
        .collect()
}

#[test]
fn every_line_has_the_figures_go_tool_pprof_gives() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("go.mod"), "module leakls.test/heap\n\ngo 1.22\n").unwrap();
    fs::write(d.join("main.go"), PROGRAM).unwrap();
    go(d, &["build", "-o", "prog", "."]);
    let run = Command::new(d.join("prog"))
        .args(["base.pb.gz", "cur.pb.gz"])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(run.success());
    // The same profile, not gzipped: read as well.
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(fs::File::open(d.join("cur.pb.gz")).unwrap())
        .read_to_end(&mut raw)
        .unwrap();
    fs::write(d.join("cur.pb"), raw).unwrap();

    let mut compared = 0;
    for sample in [
        "inuse_space",
        "inuse_objects",
        "alloc_space",
        "alloc_objects",
    ] {
        for base in [None, Some("base.pb.gz")] {
            let index = format!("-sample_index={sample}");
            let mut pprof_args = vec![
                "tool",
                "pprof",
                "-top",
                "-lines",
                "-unit=B",
                "-nodecount=1000000",
                "-nodefraction=0",
                "-edgefraction=0",
                &index,
            ];
            let diff_base = base.map(|b| format!("-diff_base={b}"));
            if let Some(b) = &diff_base {
                pprof_args.push(b);
            }
            pprof_args.push("cur.pb.gz");
            let pprof = go(d, &pprof_args);
            let rows = pprof_rows(&String::from_utf8_lossy(&pprof.stdout));
            assert!(rows.len() > 10, "{sample} {base:?}: {rows:?}");

            for profile in ["cur.pb.gz", "cur.pb"] {
                let mut args = vec!["--format", "json", "--top", "0", "--sample-type", sample];
                if let Some(b) = base {
                    args.extend(["--base", b]);
                }
                args.push(profile);
                let out = leakls(d, &args);
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let json: Value = serde_json::from_slice(&out.stdout).unwrap();
                let ours = ours(&json);
                for (key, figures) in &rows {
                    assert_eq!(
                        ours.get(key),
                        Some(figures),
                        "{sample}, base {base:?}, {profile}: {key:?}"
                    );
                    compared += 1;
                }
                // Lines pprof leaves out are lines whose figures are all zero.
                assert!(
                    ours.len() <= rows.len(),
                    "{sample} {base:?}: leakls has {} lines, pprof {}",
                    ours.len(),
                    rows.len()
                );
                // main.go is the workspace's: every line of it is mapped.
                for r in json["lines"].as_array().unwrap() {
                    if r["file"].as_str().unwrap().ends_with("/main.go")
                        && r["function"].as_str().unwrap().starts_with("main.")
                    {
                        assert_eq!(r["workspace_file"], "./main.go", "{r}");
                    }
                }
            }
        }
    }
    assert!(compared > 100, "{compared} figures compared");
}

#[test]
fn bad_profiles_get_an_error_naming_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.pb.gz", vec![], "empty file"),
        (
            "text.pb",
            b"this is not a profile at all\n".to_vec(),
            "not a pprof profile",
        ),
        (
            "trunc.pb.gz",
            vec![0x1f, 0x8b, 0x08, 0x00, 0x00],
            "not a valid gzip stream",
        ),
        (
            // A CPU profile's sample types: samples/count, cpu/nanoseconds.
            "cpu.pb",
            cpu_profile(),
            "not a heap profile",
        ),
    ];
    for (name, bytes, want) in cases {
        fs::write(d.join(name), &bytes).unwrap();
        let out = leakls(d, &[name]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains(want), "{name}: {err}");
    }
    // A heap profile of another program: said, with the tables still printed.
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("x.go"), "package x\n").unwrap();
    let heap = heap_profile_in("/elsewhere/main.go");
    fs::write(d.join("other.pb"), &heap).unwrap();
    let out = leakls(
        d,
        &["--workspace", other.path().to_str().unwrap(), "other.pb"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("other.pb") && err.contains("a profile of another program"),
        "{err}"
    );
    let missing = leakls(d, &["nope.pb.gz"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.pb.gz"));
    // A directory, not a file.
    let dir_out = leakls(d, &["."]);
    assert_eq!(dir_out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dir_out.stderr).contains("not a regular file"));
}

/// A profile.proto message by hand: string table ["", "samples", "count", "cpu", "nanoseconds"]
/// and the two sample types.
fn cpu_profile() -> Vec<u8> {
    let mut out = Vec::new();
    // sample_type (1): ValueType{type: 1, unit: 2}, ValueType{type: 3, unit: 4}
    for (t, u) in [(1u8, 2u8), (3, 4)] {
        out.extend([0x0a, 4, 0x08, t, 0x10, u]);
    }
    for s in ["", "samples", "count", "cpu", "nanoseconds"] {
        out.push(0x32); // string_table (6), length-delimited
        out.push(s.len() as u8);
        out.extend(s.as_bytes());
    }
    out
}
