//! `--fix` and `--diff`: the first fix of every finding, gathered per file (a fix may edit
//! another file, such as a `Close` method elsewhere), applied to the text on disk.
//!
//! A fix is taken whole or not at all: one that overlaps a fix already taken is left for the
//! next run, and one that touches a file which cannot be read or written is dropped with that
//! file reported, so no file ever holds half a fix.
//!
//! Edits fit only the text they were computed from: a file whose text is no longer the one the
//! analysis read (checked by its hash when the plan is made, and against the planned text again
//! just before anything is written) is left alone and reported. Each file is replaced
//! atomically: the new text goes to a temporary file beside the real file (a symbolic link is
//! written through to its target), with the original's permissions and owner, and is renamed
//! over it. A file with other hard links, or whose owner the temporary file cannot take, is
//! written in place instead, so that the links and the owner stay what they were.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::output::LineIndex;
use super::paths;
use super::FileReport;
use crate::analysis::fix::{self, Edit};
use crate::workspace::batch::text_hash;
use crate::workspace::read::read_text;

/// The new text of one file.
pub struct FileChange {
    /// The path as the analysis named it.
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    /// Distinct edits made.
    pub edits: usize,
}

/// What `--fix` or `--diff` would do.
pub struct Plan {
    /// Files that change, in path order.
    pub changes: Vec<FileChange>,
    /// Fixes left out because they overlap another fix: `path:line:col: code: why`.
    pub deferred: Vec<String>,
    /// Files that cannot be read or written, with why; fixes touching them are dropped.
    pub errors: Vec<(PathBuf, String)>,
}

/// Files are told apart by their canonical path, so `a/x.go` and `./a/x.go` are one file.
fn key(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Which fixes to take, given files to leave alone.
struct Selection {
    /// Per file: the path to show and the distinct edits to make (with `file: None`).
    files: BTreeMap<PathBuf, (PathBuf, Vec<Edit>)>,
    deferred: Vec<String>,
}

fn select(reports: &[FileReport], excluded: &BTreeMap<PathBuf, (PathBuf, String)>) -> Selection {
    let mut files: BTreeMap<PathBuf, (PathBuf, Vec<Edit>)> = BTreeMap::new();
    let mut deferred = Vec::new();
    for report in reports {
        let own_key = key(&report.path);
        let index = LineIndex::new(&report.source);
        for finding in &report.findings {
            let Some(chosen) = finding.fixes.first() else {
                continue;
            };
            let targets: Vec<(PathBuf, &Path, Edit)> = chosen
                .edits
                .iter()
                .map(|e| match &e.file {
                    None => (own_key.clone(), report.path.as_path(), e.clone()),
                    Some(other) => (
                        key(other),
                        other.as_path(),
                        Edit {
                            file: None,
                            ..e.clone()
                        },
                    ),
                })
                .collect();
            if targets.iter().any(|(k, _, _)| excluded.contains_key(k)) {
                continue;
            }
            let clash = targets.iter().any(|(k, _, edit)| {
                files.get(k).is_some_and(|(_, taken)| {
                    taken
                        .iter()
                        .any(|t| t != edit && overlaps(&t.range, &edit.range))
                })
            });
            if clash {
                let (line, col) = index.line_col(finding.range.start);
                deferred.push(format!(
                    "{}:{line}:{col}: {}: the fix {:?} overlaps another fix; run --fix again",
                    super::paths::shown(&report.path),
                    finding.code,
                    chosen.title
                ));
                continue;
            }
            for (k, shown, edit) in targets {
                let (_, taken) = files
                    .entry(k)
                    .or_insert_with(|| (shown.to_path_buf(), Vec::new()));
                if !taken.contains(&edit) {
                    taken.push(edit);
                }
            }
        }
    }
    Selection { files, deferred }
}

/// Works out the new text of every file, given the hash of each file's text as the analysis
/// read it ([`crate::workspace::batch::Batch::read`]). With `for_writing`, a read-only file is
/// an error.
pub fn plan(reports: &[FileReport], read: &BTreeMap<PathBuf, u64>, for_writing: bool) -> Plan {
    plan_excluding(reports, read, for_writing, BTreeMap::new())
}

fn plan_excluding(
    reports: &[FileReport],
    read: &BTreeMap<PathBuf, u64>,
    for_writing: bool,
    mut excluded: BTreeMap<PathBuf, (PathBuf, String)>,
) -> Plan {
    let analysed: BTreeMap<PathBuf, u64> = read.iter().map(|(p, h)| (key(p), *h)).collect();
    // Each round drops the fixes of files found unusable in the round before; it ends when
    // every file of the selection is usable, at most once per file.
    loop {
        let selection = select(reports, &excluded);
        let mut changes = Vec::new();
        let mut bad = Vec::new();
        for (k, (path, edits)) in &selection.files {
            match new_text(path, edits, analysed.get(k).copied(), for_writing) {
                Ok(change) => changes.push(change),
                Err(e) => bad.push((k.clone(), (path.clone(), e))),
            }
        }
        if bad.is_empty() {
            changes.retain(|c| c.before != c.after);
            return Plan {
                changes,
                deferred: selection.deferred,
                errors: excluded.into_values().collect(),
            };
        }
        excluded.extend(bad);
    }
}

fn new_text(
    path: &Path,
    edits: &[Edit],
    analysed: Option<u64>,
    for_writing: bool,
) -> Result<FileChange, String> {
    if for_writing {
        let meta = fs::metadata(path).map_err(|e| e.to_string())?;
        if meta.permissions().readonly() {
            return Err("the file is read-only; its fixes were not applied".to_string());
        }
    }
    let before = read_text(path).map_err(String::from)?;
    match analysed {
        None => {
            return Err("the analysis did not read this file; its fixes were not applied".into())
        }
        Some(hash) if hash != text_hash(&before) => {
            return Err(
                "the file changed after it was checked; its fixes were not applied (run again)"
                    .into(),
            )
        }
        Some(_) => {}
    }
    let (after, skipped) = fix::apply(&before, edits);
    if !skipped.is_empty() {
        return Err("the fixes do not fit the file; it changed while it was being checked".into());
    }
    Ok(FileChange {
        path: path.to_path_buf(),
        before,
        after,
        edits: edits.len(),
    })
}

/// What `--fix` did.
pub struct Applied {
    /// The files written.
    pub written: Vec<FileChange>,
    pub deferred: Vec<String>,
    /// Files left as they were because they could not be read or written.
    pub errors: Vec<(PathBuf, String)>,
}

/// Writes every fix. A file that cannot be replaced (its folder is not writable), or that
/// changed since the plan read it, has its fixes dropped, and the plan is made again without
/// them before anything is written.
pub fn apply(reports: &[FileReport], read: &BTreeMap<PathBuf, u64>) -> Applied {
    let mut excluded = BTreeMap::new();
    loop {
        save_meanwhile("plan");
        let plan = plan_excluding(reports, read, true, excluded.clone());
        let mut staged = Vec::new();
        let mut failed = None;
        for change in &plan.changes {
            match stage(change) {
                Ok(s) => staged.push(s),
                Err(e) => {
                    failed = Some((key(&change.path), (change.path.clone(), e)));
                    break;
                }
            }
        }
        // The last look before writing: a file saved since the plan read it keeps what was
        // saved, and the fixes that touch it wait for another run.
        save_meanwhile("write");
        if failed.is_none() {
            failed = plan
                .changes
                .iter()
                .zip(&staged)
                .find(|(change, s)| {
                    read_text(&s.target).map_or(true, |now| now != change.before)
                })
                .map(|(change, _)| {
                    (
                        key(&change.path),
                        (
                            change.path.clone(),
                            "the file changed while its fixes were being written; it was left as it is (run again)".to_string(),
                        ),
                    )
                });
        }
        if let Some((k, why)) = failed {
            for s in staged {
                s.discard();
            }
            excluded.insert(k, why);
            continue;
        }
        let mut written = Vec::new();
        let mut errors = plan.errors;
        for (change, s) in plan.changes.into_iter().zip(staged) {
            match s.commit(&change.after) {
                Ok(()) => written.push(change),
                Err(e) => errors.push((change.path, e)),
            }
        }
        return Applied {
            written,
            deferred: plan.deferred,
            errors,
        };
    }
}

/// A hook for the tests, honoured in debug builds only: `LEAKLS_TEST_SAVE=<moment>:<path>`
/// adds a line to the file at `path`, once, when `--fix` reaches `moment` (`plan`: after the
/// analysis, before the plan reads the files; `write`: after the plan, before the writes), as
/// an editor saving it then would.
fn save_meanwhile(moment: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let Ok(wanted) = std::env::var("LEAKLS_TEST_SAVE") else {
        return;
    };
    let Some(path) = wanted.strip_prefix(&format!("{moment}:")) else {
        return;
    };
    if !DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        let text = fs::read_to_string(path).unwrap_or_default();
        let _ = fs::write(path, format!("// saved meanwhile\n{text}"));
    }
}

/// A file's new text, ready to take its place.
struct Staged {
    /// The real file: a symbolic link's target.
    target: PathBuf,
    /// The temporary file to rename over it; `None` to write it in place.
    temp: Option<PathBuf>,
}

impl Staged {
    fn discard(self) {
        if let Some(tmp) = self.temp {
            let _ = fs::remove_file(tmp);
        }
    }

    fn commit(self, text: &str) -> Result<(), String> {
        match &self.temp {
            Some(tmp) => fs::rename(tmp, &self.target).map_err(|e| {
                let _ = fs::remove_file(tmp);
                format!("replacing the file: {e}")
            }),
            None => write_in_place(&self.target, text).map_err(|e| {
                format!("writing the file in place: {e}; it may hold part of its fixes")
            }),
        }
    }
}

/// Rewrites a file through its own inode (its other hard links see the new text).
fn write_in_place(path: &Path, text: &str) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)?;
    file.sync_all()
}

/// Writes the new text to a temporary file beside the real file, with its permissions and
/// owner; or, for a file with other hard links or an owner the temporary file cannot take,
/// plans to write it in place.
fn stage(change: &FileChange) -> Result<Staged, String> {
    let target = fs::canonicalize(&change.path).map_err(|e| e.to_string())?;
    let meta = fs::metadata(&target).map_err(|e| e.to_string())?;
    if meta.nlink() > 1 {
        return Ok(Staged { target, temp: None });
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{name}.leakls-{}-{attempt}.tmp",
            std::process::id()
        ));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => {
                return Err(format!(
                    "cannot write beside it in {}: {e}; its fixes were not applied",
                    super::paths::shown(&dir)
                ))
            }
        }
    };
    let mine = file.metadata().map(|m| (m.uid(), m.gid()));
    if mine.is_ok_and(|m| m != (meta.uid(), meta.gid()))
        && std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid())).is_err()
    {
        drop(file);
        let _ = fs::remove_file(&tmp);
        return Ok(Staged { target, temp: None });
    }
    let written = file
        .write_all(change.after.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::set_permissions(&tmp, meta.permissions()));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(format!(
            "writing the new text: {e}; its fixes were not applied"
        ));
    }
    Ok(Staged {
        target,
        temp: Some(tmp),
    })
}

/// Writes the plan as a unified diff with `a/` and `b/` paths relative to the current
/// directory (absolute, after the prefix, for files outside it), so `patch -p1` or
/// `git apply` run there applies it.
pub fn write_diff(out: &mut impl Write, changes: &[FileChange]) -> io::Result<()> {
    for change in changes {
        let name =
            paths::relative_to_cwd(&change.path).unwrap_or_else(|| paths::absolute(&change.path));
        similar::TextDiff::from_lines(&change.before, &change.after)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{name}"), &format!("b/{name}"))
            .to_writer(&mut *out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Code, Finding, Fix, Severity};

    fn finding(at: usize, edits: Vec<Edit>) -> Finding {
        Finding {
            range: at..at + 1,
            code: Code::TimeTick,
            severity: Severity::Warning,
            message: "m".into(),
            related: vec![],
            fixes: vec![
                Fix {
                    title: "first".into(),
                    edits,
                },
                Fix {
                    title: "second, never applied".into(),
                    edits: vec![Edit::insert(0, "// no\n")],
                },
            ],
        }
    }

    #[test]
    fn overlapping_fixes_wait_and_identical_edits_are_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.go");
        let source = "abcdefgh".to_string();
        fs::write(&path, &source).unwrap();
        let report = FileReport {
            path: path.clone(),
            source: source.clone(),
            findings: vec![
                finding(0, vec![Edit::replace(1..3, "X"), Edit::insert(8, "!")]),
                // Overlaps 1..3: left for another round, whole (its insert at 0 too).
                finding(2, vec![Edit::replace(2..4, "Y"), Edit::insert(0, ">")]),
                // The same insert as the first finding's: made once.
                finding(5, vec![Edit::insert(8, "!")]),
            ],
        };
        let read = BTreeMap::from([(path.clone(), text_hash(&source))]);
        let plan = plan(std::slice::from_ref(&report), &read, false);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].after, "aXdefgh!");
        assert_eq!(plan.changes[0].edits, 2);
        assert_eq!(plan.deferred.len(), 1, "{:?}", plan.deferred);
        assert!(
            plan.deferred[0].contains(":1:3: time-tick:"),
            "{:?}",
            plan.deferred
        );

        let applied = apply(std::slice::from_ref(&report), &read);
        assert_eq!(applied.written.len(), 1);
        assert_eq!(fs::read_to_string(&path).unwrap(), "aXdefgh!");
    }
}
