//! The server's hot paths, without LSP around them, so that regressions show during development
//! (`cargo bench --bench hot_paths`; bench/run.sh measures the whole server against gopls):
//!
//! - `edit/*`: one `didChange` of one character as the server handles it: the edit applied to
//!   the document (and its tree), the reparse when the edit needs one, the summary of the
//!   declarations it touched, the index update, the tree checks, the module checks and the
//!   finishing pass. Typed inside an identifier (the server keeps the tree) or as a space before
//!   one (it must reparse).
//! - `index/*`: the index update for one file already indexed (its summary replaced), and the
//!   whole re-index of a file changed on disk (read, parse, summarise, update).
//!
//! - `edit/{largest,locks}/in_identifier/without_goroutine_leak`: the same keystroke with the
//!   `goroutine-leak` check turned off, to see what that check costs.
//!
//! Files: `net/dial.go` (1,000 lines), the largest file of the Go toolchain,
//! `cmd/compile/internal/ssa/opGen.go` (97k lines), and `database/sql/sql.go` (3,700 lines,
//! 81 unlocks, channel and cancel-function fields: every goroutine-leak rule runs on it), read
//! from `$(go env GOROOT)/src` with the rest of their package in the index. A file that is not
//! there is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use leakls::analysis::checks::{self, ModuleView};
use leakls::analysis::summary::FileSummary;
use leakls::analysis::{self, Code, FileContext};
use leakls::server::convert::Encoding;
use leakls::server::document::Document;
use leakls::server::scan;
use leakls::workspace::index::Index;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

const FILES: [(&str, &str); 3] = [
    ("medium", "net/dial.go"),
    ("largest", "cmd/compile/internal/ssa/opGen.go"),
    // Many locks, channel and cancel-function fields: every goroutine-leak rule runs here.
    ("locks", "database/sql/sql.go"),
];

fn goroot_src() -> Option<PathBuf> {
    let out = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    let root = String::from_utf8(out.stdout).ok()?;
    Some(Path::new(root.trim()).join("src"))
}

/// An index holding every Go file of `path`'s folder (its package and its tests).
fn package_index(path: &Path) -> Index {
    let index = Index::default();
    let mut parser = analysis::new_parser();
    let dir = path.parent().expect("a file has a folder");
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|x| x == "go") {
            let _ = scan::index_file(&index, &p, &mut parser);
        }
    }
    index
}

/// Where an identifier (not a keyword) ends, on an ASCII line without literals, in the middle
/// of the file: a character typed there stays in the identifier. Also where it starts.
fn identifier_site(text: &str) -> (Position, Position) {
    let lines: Vec<&str> = text.lines().collect();
    let middle = lines.len() / 2;
    let reserved = [
        "func", "return", "if", "else", "for", "range", "var", "type", "nil",
    ];
    for (n, line) in lines.iter().enumerate().skip(middle) {
        let code = line.split("//").next().unwrap_or("");
        if !line.is_ascii() || code.contains(['"', '`', '\'']) {
            continue;
        }
        let words = code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        let mut at = 0;
        for word in words {
            let start = at;
            at += word.len() + 1;
            let is_ident = word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            if is_ident && word.len() > 1 && !reserved.contains(&word) {
                let pos = |col: usize| Position::new(n as u32, col as u32);
                return (pos(start), pos(start + word.len()));
            }
        }
    }
    panic!("no identifier in the second half of the file")
}

/// A change that inserts `text` at `at`, and the one that deletes it again.
fn insert_delete(at: Position, text: &str) -> [TextDocumentContentChangeEvent; 2] {
    let end = Position::new(at.line, at.character + text.len() as u32);
    let change = |range, text: &str| TextDocumentContentChangeEvent {
        range: Some(range),
        range_length: None,
        text: text.to_string(),
    };
    [
        change(Range::new(at, at), text),
        change(Range::new(at, end), ""),
    ]
}

/// The server's work for one change of an open document (`State::analyze`, `check`, `finish`).
struct OpenFile {
    path: PathBuf,
    doc: Document,
    ctx: FileContext,
    summary: Arc<FileSummary>,
    index: Index,
}

impl OpenFile {
    fn new(path: &Path) -> OpenFile {
        let text = std::fs::read_to_string(path).expect("a readable Go file");
        let index = package_index(path);
        let ctx = FileContext::for_path(path, index.modules.semantics_for(path));
        let doc = Document::new(text, 1);
        let summary = Arc::new(FileSummary::new(doc.text(), doc.tree()));
        OpenFile {
            path: path.to_path_buf(),
            doc,
            ctx,
            summary,
            index,
        }
    }

    fn change(&mut self, change: TextDocumentContentChangeEvent) -> usize {
        let version = self.doc.version + 1;
        self.doc
            .apply_changes(vec![change], version, Encoding::Utf16)
            .expect("the edit fits the document");
        let (text, tree) = (self.doc.text(), self.doc.tree());
        self.summary = Arc::new(match self.doc.last_edits() {
            Some(edits) => FileSummary::update(Some(&self.summary), text, tree, edits),
            None => FileSummary::new(text, tree),
        });
        let file = self.index.update(&self.path, self.summary.clone());
        let view = ModuleView {
            package_path: &file.package_path,
            index: &self.index,
            complete: true,
        };
        let mut findings = checks::run_all(text, tree, &self.ctx, view).findings;
        findings.extend(analysis::module_findings(&file, &self.ctx, &self.index));
        analysis::finish_with(text, findings, &self.ctx.settings).len()
    }
}

fn edits(c: &mut Criterion) {
    let Some(src) = goroot_src() else {
        eprintln!("hot_paths: no Go toolchain found, skipping");
        return;
    };
    for (name, rel) in FILES {
        let path = src.join(rel);
        if !path.is_file() {
            eprintln!("hot_paths: {} not found, skipping", path.display());
            continue;
        }
        let mut open = OpenFile::new(&path);
        let (start, end) = identifier_site(open.doc.text());
        if name != "medium" {
            // What the goroutine-leak check adds to a keystroke: the same edit with it off.
            let mut off = OpenFile::new(&path);
            let mut settings = (*off.ctx.settings).clone();
            settings.disabled.push(Code::GoroutineLeak);
            off.ctx.settings = Arc::new(settings);
            let [insert, delete] = insert_delete(end, "x");
            let mut typed = false;
            let label = format!("edit/{name}/in_identifier/without_goroutine_leak");
            c.bench_function(&label, |b| {
                b.iter(|| {
                    typed = !typed;
                    off.change(if typed {
                        insert.clone()
                    } else {
                        delete.clone()
                    })
                })
            });
        }
        for (kind, at, text) in [("in_identifier", end, "x"), ("space_reparse", start, " ")] {
            let [insert, delete] = insert_delete(at, text);
            let mut typed = false;
            // Typing, then deleting: the document returns to where it was every two edits.
            c.bench_function(&format!("edit/{name}/{kind}"), |b| {
                b.iter(|| {
                    typed = !typed;
                    open.change(if typed {
                        insert.clone()
                    } else {
                        delete.clone()
                    })
                })
            });
            if typed {
                open.change(delete.clone());
            }
        }
    }
}

fn index_updates(c: &mut Criterion) {
    let Some(src) = goroot_src() else { return };
    for (name, rel) in FILES {
        let path = src.join(rel);
        if !path.is_file() {
            continue;
        }
        let index = package_index(&path);
        let summary = index
            .get(&path)
            .expect("the file is indexed")
            .summary
            .clone();
        c.bench_function(&format!("index/{name}/update"), |b| {
            b.iter_batched(
                || summary.clone(),
                |s| index.update(&path, s),
                BatchSize::SmallInput,
            )
        });
        // A parse of the largest file takes ~0.2 s: fewer samples keep within the time.
        let mut group = c.benchmark_group(format!("index/{name}"));
        group.sample_size(10);
        let mut parser = analysis::new_parser();
        group.bench_function("reindex_from_disk", |b| {
            b.iter(|| scan::index_file(&index, &path, &mut parser))
        });
        group.finish();
    }
}

fn config() -> Criterion {
    // Short: enough to see a regression, and `cargo bench` ends in a minute or two.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = hot_paths;
    config = config();
    targets = edits, index_updates
}
criterion_main!(hot_paths);
