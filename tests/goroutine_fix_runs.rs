//! The goroutine-leak quick-fixes, run: a program calls a function whose goroutine is abandoned
//! by a `select` 200 times, one whose workers range over a channel nothing closes 100 times, one
//! that abandons the goroutine of its last round (which answers on one of two paths) 100 times,
//! one whose abandoned goroutine defers a count 100 times, and one that waits for a close its
//! consumer's early return skips, from 100 goroutines; then it counts its goroutines
//! (`runtime.NumGoroutine`). Before the fixes the blocked goroutines are all still there; after
//! leakls's fixes (`make(chan T, 1)`, `defer close(ch)` after the `make` or in the consumer, a
//! `select` with `<-ctx.Done()`) none is, every deferred count has run, every waiting caller has
//! returned, and the functions still do what they did.

use std::fs;
use std::path::Path;
use std::process::Command;

use leakls::analysis::fix;
use leakls::workspace::batch;

const FETCH: &str = r#"package fetch

import (
	"context"
	"sync/atomic"
)

type Page struct{ Body []byte }

func download(url string) *Page { return &Page{Body: []byte(url)} }

// Process hands items to workers over a channel it never closes.
func Process(items []string, workers int, seen chan<- string) {
	ch := make(chan string)
	for i := 0; i < workers; i++ {
		go func() {
			for item := range ch {
				seen <- item
			}
		}()
	}
	for _, item := range items {
		ch <- item
	}
}

// Poll asks a goroutine for an answer each round until stop is closed; the goroutine of the
// round that stop ends then waits for ever. It answers on one of two paths.
func Poll(stop <-chan struct{}, answers chan<- bool) {
	for i := 0; ; i++ {
		done := make(chan bool)
		odd := i%2 == 1
		go func() {
			if odd {
				done <- false
				return
			}
			done <- true
		}()
		select {
		case <-stop:
			return
		case v := <-done:
			answers <- v == !odd
		}
	}
}

// Finished counts the goroutines of FetchCounted that ended.
var Finished atomic.Int64

// FetchCounted is Fetch with a goroutine that defers its bookkeeping.
func FetchCounted(ctx context.Context, url string) (*Page, error) {
	ch := make(chan *Page)
	go func() {
		defer Finished.Add(1)
		ch <- download(url)
	}()
	select {
	case p := <-ch:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Consume waits for a consumer that stops at the first value over limit, before it closes done:
// the receive then waits for ever.
func Consume(progress chan int, limit int) {
	done := make(chan struct{})
	go func() {
		for p := range progress {
			if p > limit {
				return
			}
		}
		close(done)
	}()
	progress <- 5
	close(progress)
	<-done
}

// Fetch gives up when ctx is done; its goroutine's send then waits for ever.
func Fetch(ctx context.Context, url string) (*Page, error) {
	ch := make(chan *Page)
	go func() {
		ch <- download(url)
	}()
	select {
	case p := <-ch:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
"#;

const MAIN: &str = r#"package main

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"leakls.test/run/fetch"
)

func main() {
	before := runtime.NumGoroutine()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	gaveUp := 0
	for i := 0; i < 200; i++ {
		if _, err := fetch.Fetch(done, "x"); err != nil {
			gaveUp++
		}
	}
	p, err := fetch.Fetch(context.Background(), "page")
	seen := make(chan string, 1000)
	for i := 0; i < 100; i++ {
		fetch.Process([]string{"a", "b"}, 3, seen)
	}
	stop := make(chan struct{})
	close(stop)
	answers := make(chan bool, 100000)
	for i := 0; i < 100; i++ {
		fetch.Poll(stop, answers)
	}
	close(answers)
	for i := 0; i < 100; i++ {
		fetch.FetchCounted(done, "x")
	}
	var consumed atomic.Int64
	for i := 0; i < 100; i++ {
		go func() {
			fetch.Consume(make(chan int, 1), 1)
			consumed.Add(1)
		}()
	}
	right := true
	for a := range answers {
		right = right && a
	}
	time.Sleep(200 * time.Millisecond) // every goroutine has run to where it waits
	fmt.Println(runtime.NumGoroutine()-before, gaveUp > 0, string(p.Body), err, len(seen), right,
		fetch.Finished.Load() == 100, consumed.Load())
}
"#;

fn go_run(dir: &Path) -> String {
    let out = Command::new("go")
        .args(["run", "."])
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap_or_else(|e| panic!("the `go` command is needed to run the program ({e})"));
    assert!(
        out.status.success(),
        "go run failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_buffer_fix_lets_every_abandoned_goroutine_end() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module leakls.test/run\n\ngo 1.22\n",
    )
    .unwrap();
    fs::create_dir(dir.path().join("fetch")).unwrap();
    let file = dir.path().join("fetch/fetch.go");
    fs::write(&file, FETCH).unwrap();
    fs::write(dir.path().join("main.go"), MAIN).unwrap();

    let before = go_run(dir.path());
    let fields: Vec<&str> = before.split_whitespace().collect();
    let leaked: usize = fields[0].parse().unwrap();
    assert!(leaked > 0, "the unfixed program leaks goroutines: {before}");
    assert!(
        leaked >= 300,
        "the workers and the senders are still there: {before}"
    );
    assert_eq!(
        fields[1..],
        ["true", "page", "<nil>", "200", "true", "false", "0"],
        "{before}"
    );

    let batch = batch::analyze_files(&[file.clone(), dir.path().join("main.go")]);
    let findings: Vec<_> = batch
        .reports
        .iter()
        .flat_map(|r| r.findings.iter())
        .filter(|f| f.code.as_str() == "goroutine-leak")
        .collect();
    // Process's own send also waits for ever when it starts no worker: reported, with no fix.
    assert_eq!(findings.len(), 6, "{findings:#?}");
    let unfixable: Vec<_> = findings.iter().filter(|f| f.fixes.is_empty()).collect();
    assert_eq!(unfixable.len(), 1, "{unfixable:#?}");
    assert!(
        unfixable[0].message.contains("`workers` is 0"),
        "{unfixable:#?}"
    );
    let findings: Vec<_> = findings
        .into_iter()
        .filter(|f| !f.fixes.is_empty())
        .collect();
    let edits: Vec<_> = findings
        .iter()
        .flat_map(|f| f.fixes.first().expect("a fix").edits.clone())
        .collect();
    let titles: Vec<&str> = findings.iter().map(|f| f.fixes[0].title.as_str()).collect();
    assert!(
        titles.iter().any(|t| t.contains("make(chan *Page, 1)")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.contains("defer close(ch)")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.contains("make(chan bool, 1)")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Close the channel on every path")),
        "{titles:?}"
    );
    // FetchCounted's goroutine defers: it gets the select, not the buffer.
    assert!(
        titles
            .iter()
            .any(|t| t.contains("select with `<-ctx.Done()`")),
        "{titles:?}"
    );
    let (fixed, skipped) = fix::apply(FETCH, &edits);
    assert!(skipped.is_empty());
    fs::write(&file, fixed).unwrap();

    let after = go_run(dir.path());
    assert_eq!(
        after.split_whitespace().collect::<Vec<_>>(),
        ["0", "true", "page", "<nil>", "200", "true", "true", "100"],
        "after the fix no goroutine is left, and Fetch answers as before (before: {before})"
    );
}
