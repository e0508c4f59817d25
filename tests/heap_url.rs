//! `leakls heap --url`: snapshots of a running Go service's heap over loopback HTTP, and the
//! line that keeps growing named with its rate; any other address is refused before a
//! connection is opened.

use std::fs;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use support::go;

mod support;

const SERVICE: &str = r#"package main

import (
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"sync"
	"time"
)

var _ = func() int { runtime.MemProfileRate = 1; return 0 }()

var (
	mu   sync.Mutex
	kept [][]byte
)

func grow() {
	mu.Lock()
	kept = append(kept, make([]byte, 64<<10)) // grows: line 22
	mu.Unlock()
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	os.WriteFile(os.Args[1], []byte(ln.Addr().String()), 0o644)
	go func() {
		for {
			grow()
			time.Sleep(20 * time.Millisecond)
		}
	}()
	go func() {
		time.Sleep(2 * time.Minute)
		os.Exit(0)
	}()
	mux := http.NewServeMux()
	mux.Handle("/debug/pprof/heap", pprof.Handler("heap"))
	http.Serve(ln, mux)
}
"#;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_growing_line_of_a_running_service_is_named_with_its_rate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("go.mod"), "module leakls.test/svc\n\ngo 1.22\n").unwrap();
    fs::write(d.join("main.go"), SERVICE).unwrap();
    go(d, &["build", "-o", "svc", "."]);
    let addr_file = d.join("addr");
    let _service = Killed(
        Command::new(d.join("svc"))
            .arg(&addr_file)
            .current_dir(d)
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let addr = loop {
        if let Ok(a) = fs::read_to_string(&addr_file) {
            if !a.is_empty() {
                break a;
            }
        }
        assert!(Instant::now() < deadline, "the service did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    let url = format!("http://{addr}/debug/pprof/heap");
    let out = Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(["heap", "--url", &url, "--every", "400ms", "--count", "4"])
        .current_dir(d)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = text.split("snapshot 4").nth(1).expect("four snapshots");
    let grow = last
        .lines()
        .find(|l| l.contains("main.grow ./main.go:22"))
        .unwrap_or_else(|| panic!("main.go:22 is named as growing:\n{text}"));
    // `+N kB/s`: a positive rate.
    assert!(grow.trim_start().starts_with('+'), "{grow}");
}

#[test]
fn addresses_of_other_machines_are_refused() {
    for url in [
        "http://10.20.30.40:6060/debug/pprof/heap",
        "https://127.0.0.1:6060/debug/pprof/heap",
    ] {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_leakls"))
            .args(["heap", "--url", url, "--count", "1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(url), "{err}");
        // Refused from the URL alone: no connection was tried (that would take seconds).
        assert!(started.elapsed() < Duration::from_secs(2), "{url}");
    }
}
