//! Soak: 20,000 edits, 500 open/close cycles and 1,000 code-action requests through one server
//! process, after which its resident set is within 10% of what it was after the warm-up (the
//! first tenth of the work).
//!
//! Ignored by default; it wants an optimised server:
//!
//! ```sh
//! cargo test --release --test soak -- --ignored --nocapture
//! # or a release server driven by the debug test (no release build of the dev-dependencies):
//! cargo build --release && LEAKLS_TEST_SERVER=target/release/leakls cargo test --test soak -- --ignored --nocapture
//! ```
//!
//! `LEAKLS_SOAK_SCALE=0.1` does a tenth of the work (at least one of each kind).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{file_uri, Encoding, Rng, Server, Text};

/// The document the edits go to: a ticker whose `defer t.Stop()` comes and goes, a slice that
/// keeps its dropped elements, and a package-level map that `registry.go` grows.
const EDITED: &str = "\
package app

import (
\t\"sync\"
\t\"time\"
)

// notes: 

type Job struct{ id int }

// Queue is shared between goroutines: it outlives the calls that pop from it.
type Queue struct {
\tmu   sync.Mutex
\tjobs []*Job
}

var seen = map[int]bool{}

func (q *Queue) Push(j *Job) { q.jobs = append(q.jobs, j) }

func (q *Queue) Pop() *Job {
\tj := q.jobs[0]
\tq.jobs = q.jobs[1:]
\treturn j
}

func poll(d time.Duration) {
\tt := time.NewTicker(d)
\t<-t.C
}
";

const REGISTRY: &str = "\
package app

import \"net/http\"

// remember grows `seen` on every request, with a key from the request.
func remember(w http.ResponseWriter, r *http.Request) { seen[int(r.ContentLength)] = true }
";

/// Opened and closed over and over.
const VISITED: &str = "\
package app

import \"time\"

func wait(d time.Duration, c chan int) {
\tfor {
\t\tselect {
\t\tcase <-c:
\t\tcase <-time.After(d):
\t\t\treturn
\t\t}
\t}
}
";

/// How much of each kind of work.
#[derive(Clone, Copy, Debug)]
struct Work {
    edits: usize,
    cycles: usize,
    actions: usize,
}

impl Work {
    fn scaled(self, scale: f64) -> Work {
        let of = |n: usize| ((n as f64 * scale).round() as usize).max(1);
        Work {
            edits: of(self.edits),
            cycles: of(self.cycles),
            actions: of(self.actions),
        }
    }
}

const FULL: Work = Work {
    edits: 20_000,
    cycles: 500,
    actions: 1_000,
};

/// Edits sent before waiting for the diagnostics of the last one.
const BURST: usize = 10;

/// RSS may grow by this much on top of the 10% (see the assertion).
const SLACK_KIB: u64 = 512;

/// The soak client: the edited document as the editor has it, and counters.
struct Soak {
    server: Server,
    text: Text,
    uri: String,
    visited: String,
    version: i64,
    rng: Rng,
    diagnostics: Vec<Value>,
    done: Work,
}

impl Soak {
    /// One edit of the kind typing makes: a letter typed or deleted in the notes comment, or
    /// the ticker's `defer t.Stop()` line added or removed (which changes the diagnostics).
    fn edit(&mut self) {
        let text = &self.text.text;
        let notes = text.find("// notes: ").unwrap() + "// notes: ".len();
        let notes_end = notes + text[notes..].find('\n').unwrap();
        let stop = "\tdefer t.Stop()\n";
        let change = match (self.rng.below(20), text.find(stop)) {
            (0, Some(at)) => self.text.replace(at..at + stop.len(), ""),
            (0, None) => {
                let at = text.find("\t<-t.C").unwrap();
                self.text.replace(at..at, stop)
            }
            // Delete when the comment is long enough, so that the text stays about one size.
            (n, _) if n < 10 && notes_end - notes > 8 => {
                let chars: Vec<(usize, char)> = text[notes..notes_end].char_indices().collect();
                let (i, c) = chars[self.rng.below(chars.len())];
                self.text.replace(notes + i..notes + i + c.len_utf8(), "")
            }
            _ => {
                let mut at: Vec<usize> = text[notes..notes_end]
                    .char_indices()
                    .map(|(i, _)| notes + i)
                    .collect();
                at.push(notes_end);
                let at = at[self.rng.below(at.len())];
                let letter = ["a", "b", " ", "x", "é", "😀"][self.rng.below(6)];
                self.text.replace(at..at, letter)
            }
        };
        self.version += 1;
        self.server.change(&self.uri, self.version, vec![change]);
        self.done.edits += 1;
    }

    /// A burst of edits, then the diagnostics of the last one.
    fn burst(&mut self, n: usize) {
        for _ in 0..n {
            self.edit();
        }
        self.diagnostics = self.server.diagnostics_at_latest(&self.uri, self.version);
    }

    fn code_action(&mut self) {
        let target = self.diagnostics.first().cloned();
        let range = match &target {
            Some(d) => d["range"].clone(),
            None => self.text.range(0..self.text.text.len()),
        };
        let result = self.server.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": self.uri },
                "range": range,
                "context": { "diagnostics": target.iter().collect::<Vec<_>>() }
            }),
        );
        let actions = result.as_array().map_or(0, Vec::len);
        assert!(
            target.is_none() || actions > 0,
            "no quick-fix for {target:?}"
        );
        self.done.actions += 1;
    }

    fn open_close(&mut self) {
        self.server.open(&self.visited, VISITED, 1);
        let found = self.server.expect_diagnostics(&self.visited, 1);
        assert_eq!(found.len(), 1, "{found:#?}");
        self.server.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": self.visited } }),
        );
        self.server.expect_cleared(&self.visited);
        self.done.cycles += 1;
    }

    /// Does `work` with the three kinds interleaved evenly.
    fn run(&mut self, work: Work) {
        let start = self.done;
        let bursts = work.edits.div_ceil(BURST).max(1);
        for b in 0..bursts {
            let edits = BURST.min(work.edits - (self.done.edits - start.edits));
            self.burst(edits);
            let due = |total: usize| (b + 1) * total / bursts;
            while self.done.actions - start.actions < due(work.actions) {
                self.code_action();
            }
            while self.done.cycles - start.cycles < due(work.cycles) {
                self.open_close();
            }
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writing a file");
    file_uri(&path)
}

fn essentials(diagnostics: &[Value]) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|d| json!([d["range"], d["code"], d["message"]]))
        .collect()
}

#[test]
#[ignore = "minutes of work: run with --ignored, against a release server"]
fn rss_stays_flat_through_edits_open_close_and_code_actions() {
    let scale: f64 = std::env::var("LEAKLS_SOAK_SCALE")
        .ok()
        .map(|s| s.parse().expect("LEAKLS_SOAK_SCALE is a number"))
        .unwrap_or(1.0);
    let total = FULL.scaled(scale);
    let warm_up = FULL.scaled(scale / 10.0);
    let rest = Work {
        edits: total.edits - warm_up.edits.min(total.edits),
        cycles: total.cycles - warm_up.cycles.min(total.cycles),
        actions: total.actions - warm_up.actions.min(total.actions),
    };

    let dir = tempfile::tempdir().expect("a temporary folder");
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.22\n");
    let uri = write(dir.path(), "edited.go", EDITED);
    write(dir.path(), "registry.go", REGISTRY);
    let visited = write(dir.path(), "visited.go", VISITED);
    let mut server = Server::start_default(dir.path());
    server.expect_log("indexed 3 Go files");
    server.open(&uri, EDITED, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    let mut codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        ["global-growth", "slice-retains", "unstopped-ticker"]
    );

    let mut soak = Soak {
        server,
        text: Text::new(EDITED, Encoding::Utf16),
        uri,
        visited,
        version: 1,
        rng: Rng(0x5eed_1ea4),
        diagnostics,
        done: Work {
            edits: 0,
            cycles: 0,
            actions: 0,
        },
    };
    let started = Instant::now();
    soak.run(warm_up);
    let warm_rss = soak.server.rss_kib();
    let warm_time = started.elapsed();
    soak.run(rest);
    // Let any work still in flight end before measuring.
    std::thread::sleep(Duration::from_millis(200));
    let end_rss = soak.server.rss_kib();
    let elapsed = started.elapsed();
    let done = soak.done;

    // What the edits left is what a fresh open of the same text gives.
    soak.version += 1;
    let (uri, text, version) = (soak.uri.clone(), soak.text.text.clone(), soak.version);
    let last = soak.diagnostics.clone();
    soak.server.open(&uri, &text, version);
    let fresh = soak.server.expect_diagnostics(&uri, version);
    assert_eq!(essentials(&fresh), essentials(&last));
    soak.server.shutdown();

    let ratio = end_rss as f64 / warm_rss as f64;
    println!(
        "soak: {} edits, {} open/close cycles, {} code actions in {:.1} s \
         (warm-up {:.1} s); RSS after warm-up {} KiB, at the end {} KiB, ratio {ratio:.3}",
        done.edits,
        done.cycles,
        done.actions,
        elapsed.as_secs_f64(),
        warm_time.as_secs_f64(),
        warm_rss,
        end_rss,
    );
    assert_eq!(
        (done.edits, done.cycles, done.actions),
        (total.edits, total.cycles, total.actions)
    );
    // 10%, plus 512 KiB for what is no leak: the allocator's per-thread arenas and page
    // granularity move RSS by a few hundred KiB whatever the length of the run (about 100 KiB
    // in practice). A leak of 128 bytes per edit fails it.
    assert!(
        end_rss <= warm_rss + warm_rss / 10 + SLACK_KIB,
        "RSS grew from {warm_rss} KiB after the warm-up to {end_rss} KiB"
    );
}
